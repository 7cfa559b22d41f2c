using static TorchSharp.torch;

namespace QuantScope.Engine.Hosting;

/// <summary>One run's place in a <see cref="ThreadBudget"/>: applies its share of the cores on the run's thread.</summary>
public sealed class RunThreads : IDisposable
{
    private readonly ThreadBudget _budget;
    private bool _disposed;

    internal RunThreads(ThreadBudget budget) => _budget = budget;

    /// <summary>The intra-op threads last applied on the run's thread (0 before the first <see cref="Apply"/>).</summary>
    public int Applied { get; private set; }

    /// <summary>
    /// Sets the calling thread's libtorch intra-op thread count to the run's current share, when it changed (runs
    /// joined or left). Call it on the training thread: at the start and between steps.
    /// </summary>
    public int Apply()
    {
        var share = _budget.CurrentShare();
        if (share != Applied)
        {
            set_num_threads(share);
            Applied = share;
        }

        return Applied;
    }

    /// <summary>Leaves the budget: the other runs' shares grow at their next <see cref="Apply"/>.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _budget.Leave();
    }
}
