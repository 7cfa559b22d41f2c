namespace QuantScope.Web.Sweeps;

/// <summary>Sweep settings bound from appsettings section <c>Sweeps</c>.</summary>
public sealed class SweepOptions
{
    /// <summary>Runs of one sweep trained at the same time when the sweep does not say (1 = one after another).</summary>
    public int Workers { get; set; } = 1;

    /// <summary>Most runs of one sweep trained at the same time, whatever the sweep asks (each run takes a thread and its memory).</summary>
    public int MaxWorkers { get; set; } = 4;
}
