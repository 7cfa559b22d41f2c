namespace QuantScope.Engine.Analysis.Diagnosis;

/// <summary>
/// A per-layer metric of one tensor role: <see cref="Values"/>[k][l] is layer l at <see cref="Steps"/>[k] (the store's
/// heatmap shape); steps ascend; NaN = not measured; a row may be shorter than the layer list.
/// </summary>
public sealed record LayerSeries(int[] Steps, float[][] Values)
{
    /// <summary>Layer <paramref name="layer"/>'s value at row k, NaN when missing.</summary>
    public float At(int k, int layer) => layer < Values[k].Length ? Values[k][layer] : float.NaN;

    /// <summary>One layer over steps (NaN where missing), aligned with <see cref="Steps"/>.</summary>
    public float[] Column(int layer)
    {
        var column = new float[Steps.Length];
        for (var k = 0; k < Steps.Length; k++) column[k] = At(k, layer);
        return column;
    }

    /// <summary>Mean of a layer's finite values at or after <paramref name="fromStep"/>; NaN when there are none.</summary>
    public double Mean(int layer, int fromStep = int.MinValue)
    {
        double sum = 0;
        var n = 0;
        for (var k = 0; k < Steps.Length; k++)
        {
            var v = At(k, layer);
            if (Steps[k] < fromStep || !float.IsFinite(v)) continue;
            sum += v;
            n++;
        }

        return n == 0 ? double.NaN : sum / n;
    }
}
