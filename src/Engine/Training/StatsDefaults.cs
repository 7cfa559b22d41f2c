namespace QuantScope.Engine.Training;

/// <summary>Defaults of <see cref="StatsConfig"/> that other code compares against (the resume hash leaves them out).</summary>
public static class StatsDefaults
{
    /// <summary>Default of <see cref="StatsConfig.HistogramEvery"/>: the magnitude histogram and block-scale statistics every 10 steps.</summary>
    public const int HistogramEvery = 10;
}
