namespace QuantScope.Web.Components.Charts;

/// <summary>
/// Orders pushes to one chart: holds them until plotly has drawn it (pushes before newPlot would be lost), then sends
/// them in arrival order, one at a time.
/// </summary>
public sealed class PlotGate<T> : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<T> _pending = [];
    private readonly Func<T, Task> _send;
    private bool _plotted;

    /// <summary>Creates a gate that delivers pushes with <paramref name="send"/>.</summary>
    public PlotGate(Func<T, Task> send) => _send = send;

    /// <summary>Sends now if the chart is drawn, else keeps the push for <see cref="OpenAsync"/>.</summary>
    public Task PushAsync(T item) => UnderGateAsync(async () =>
    {
        if (_plotted) await _send(item);
        else _pending.Add(item);
    });

    /// <summary>The chart is drawn: sends what was kept, then lets pushes through.</summary>
    public Task OpenAsync() => UnderGateAsync(async () =>
    {
        _plotted = true;
        foreach (var item in _pending) await _send(item);
        _pending.Clear();
    });

    /// <summary>Runs <paramref name="redraw"/> exclusively after dropping kept pushes; it gets whether the chart is drawn.</summary>
    public Task ResetAsync(Func<bool, Task> redraw) => UnderGateAsync(() =>
    {
        _pending.Clear();
        return redraw(_plotted);
    });

    private async Task UnderGateAsync(Func<Task> action)
    {
        await _gate.WaitAsync();
        try
        {
            await action();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();
}
