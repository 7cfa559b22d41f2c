namespace QuantScope.Engine.Analysis.Diagnosis;

/// <summary>A scalar series: <see cref="Values"/>[k] at <see cref="Steps"/>[k], steps ascending, NaN = not finite / not measured.</summary>
public sealed record StepSeries(int[] Steps, float[] Values)
{
    /// <summary>The (step, value) pairs with a finite value at or after <paramref name="fromStep"/>.</summary>
    public IEnumerable<(int Step, float Value)> Finite(int fromStep = int.MinValue)
    {
        for (var k = 0; k < Steps.Length; k++)
            if (Steps[k] >= fromStep && float.IsFinite(Values[k])) yield return (Steps[k], Values[k]);
    }

    /// <summary>Builds a series from pairs.</summary>
    public static StepSeries From(IEnumerable<(int Step, float Value)> points)
    {
        var array = points.ToArray();
        return new StepSeries(array.Select(p => p.Step).ToArray(), array.Select(p => p.Value).ToArray());
    }
}
