using System.Runtime.InteropServices;

namespace QuantScope.Web.Cli;

/// <summary>
/// The first Ctrl+C (SIGINT) or SIGTERM of a long verb cancels <see cref="Token"/> (the run stops after its current
/// step and keeps what it wrote) instead of killing the process; a second one is left to the runtime and ends it.
/// </summary>
public sealed class CliStopSignal : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly PosixSignalRegistration _sigint;
    private readonly PosixSignalRegistration _sigterm;

    /// <summary>Listens for the signals until disposed; <paramref name="ct"/> cancels too.</summary>
    public CliStopSignal(CancellationToken ct)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>Cancelled by the first signal or the caller's token.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>True once a signal (or the caller) asked to stop.</summary>
    public bool IsStopRequested => _stop.IsCancellationRequested;

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = !_stop.IsCancellationRequested; // the first signal is ours; a second one ends the process
        _stop.Cancel();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
        _stop.Dispose();
    }
}
