using QuantScope.Engine.Quantization;

namespace QuantScope.Engine.Analysis.Replay;

/// <summary>Saturation rate against history length H for each algorithm: the "which H and algorithm" table.</summary>
public static class ReplaySweep
{
    /// <summary>History lengths swept when none are given.</summary>
    public static IReadOnlyList<int> DefaultHistoryLengths { get; } = [1, 4, 16, 64, 256];

    /// <summary>
    /// Replays <paramref name="amax"/> (recorded at <paramref name="steps"/>) under every (algorithm, H) of the grid,
    /// with <paramref name="template"/>'s margin, update period and target. Cells come algorithm-major, H ascending
    /// in the order given.
    /// </summary>
    public static IReadOnlyList<SweepPoint> Run(
        IReadOnlyList<int> steps, IReadOnlyList<float> amax, IReadOnlyList<int> historyLengths,
        IReadOnlyList<AmaxAlgorithm> algorithms, ReplaySettings template, int seedStep = 0)
    {
        var cells = new List<SweepPoint>(historyLengths.Count * algorithms.Count);
        foreach (var algorithm in algorithms)
        {
            foreach (var h in historyLengths)
            {
                var result = DtsReplay.Run(steps, amax, template with { Algorithm = algorithm, HistoryLength = h }, seedStep);
                cells.Add(new SweepPoint(algorithm, h, result.Events, result.Measured, result.SaturationRate, result.MeanExpectedOverflow));
            }
        }

        return cells;
    }
}
