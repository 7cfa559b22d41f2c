using System.Collections.Concurrent;
using QuantScope.Engine.Hosting;

namespace QuantScope.Engine.Tests.Hosting;

/// <summary>
/// A sink that keeps everything a <see cref="RunHost"/> hands it, in order, with hooks a test uses to act at a given
/// moment (poison a weight once the trainer is built, cancel after a batch, refuse a batch, hold a checkpoint).
/// </summary>
internal sealed class RecordingRunSink : IRunSink
{
    private readonly ConcurrentQueue<string> _calls = new();
    private readonly List<MetricBatch> _batches = [];

    public Action<RunStart>? OnStarted { get; init; }

    /// <summary>Called with each batch before it is recorded; throwing refuses it.</summary>
    public Action<MetricBatch>? OnBatch { get; init; }

    /// <summary>Awaited inside the checkpoint handshake, after the call is recorded.</summary>
    public Func<int, Task>? OnDurable { get; init; }

    /// <summary>"started", "publish:{lastStep}" per batch, "durable:{step}", "ended:{status}", in call order.</summary>
    public IReadOnlyList<string> Calls => _calls.ToList();

    public IReadOnlyList<MetricBatch> Batches
    {
        get
        {
            lock (_batches) return _batches.ToList();
        }
    }

    public RunEnd? End { get; private set; }

    public Task StartedAsync(RunStart start, CancellationToken ct)
    {
        _calls.Enqueue("started");
        OnStarted?.Invoke(start);
        return Task.CompletedTask;
    }

    public Task PublishAsync(IReadOnlyList<MetricBatch> batches, CancellationToken ct)
    {
        foreach (var batch in batches)
        {
            OnBatch?.Invoke(batch);
            lock (_batches) _batches.Add(batch);
            _calls.Enqueue($"publish:{batch.LastStep}");
        }
        return Task.CompletedTask;
    }

    public async Task MakeDurableAsync(int step, CancellationToken ct)
    {
        _calls.Enqueue($"durable:{step}");
        if (OnDurable is not null) await OnDurable(step);
    }

    public Task EndedAsync(RunEnd end, CancellationToken ct)
    {
        End = end;
        _calls.Enqueue($"ended:{end.Status}");
        return Task.CompletedTask;
    }
}
