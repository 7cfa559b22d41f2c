namespace QuantScope.Data.Series;

/// <summary>The values of <see cref="SeriesEntity.Kind"/>: which point table holds a series.</summary>
public static class SeriesKinds
{
    /// <summary>One value per step, in <c>scalar_points</c>.</summary>
    public const string Scalar = "scalar";

    /// <summary>A float32 array over the run's layers per step, in <c>layer_points</c>.</summary>
    public const string Layer = "layer";
}
