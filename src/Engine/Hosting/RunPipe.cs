using System.Threading.Channels;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Hosting;

/// <summary>
/// A run's bounded channel and its pump: the trainer writes batches, the pump hands them to the sink in order. A
/// checkpoint handshake travels through the same channel as a barrier, so it reaches the sink after every batch before
/// it, and the training thread awaits its completion (no polling).
/// </summary>
internal sealed class RunPipe
{
    private readonly Channel<Item> _channel;
    private readonly IRunSink _sink;
    private readonly RunHandle _handle;
    private readonly int _maxPerPublish;
    private Exception? _failure;

    public RunPipe(RunHostOptions options, IRunSink sink, RunHandle handle)
    {
        _sink = sink;
        _handle = handle;
        _maxPerPublish = Math.Max(1, options.MaxBatchesPerPublish);
        _channel = Channel.CreateBounded<Item>(new BoundedChannelOptions(Math.Max(1, options.ChannelCapacity))
        {
            FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = true,
        });
        Writer = new BatchWriter(_channel.Writer);
        Drained = Task.Run(PumpAsync);
    }

    /// <summary>Where the trainer writes its batches.</summary>
    public ChannelWriter<MetricBatch> Writer { get; }

    /// <summary>Completes (never faults) once the channel is completed and everything in it was handed over.</summary>
    public Task Drained { get; }

    /// <summary>Why the sink refused the metrics, or null. Read after <see cref="Drained"/>.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>No more batches.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>
    /// On the training thread, before a checkpoint: returns once every batch written so far is published and durable.
    /// Blocking is fine there (the thread does nothing else, and this is outside any dispose scope).
    /// </summary>
    public void AwaitDurable(int step, CancellationToken ct)
    {
        var durable = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var barrier = new Item(null, step, durable);
        while (!_channel.Writer.TryWrite(barrier))
        {
            if (!_channel.Writer.WaitToWriteAsync(ct).AsTask().GetAwaiter().GetResult())
                throw new InvalidOperationException("The metrics channel was completed while the run was still writing.");
        }
        durable.Task.WaitAsync(ct).GetAwaiter().GetResult(); // the sink's exception, or cancellation
    }

    private async Task PumpAsync()
    {
        var reader = _channel.Reader;
        var pending = new List<MetricBatch>(_maxPerPublish);
        // Reads to the end even after a failure, so the training thread never waits on a full channel.
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            // What is queued now, up to the limit: one publish (one store transaction) for all of it.
            for (var n = reader.Count; n > 0 && reader.TryRead(out var item); n--)
            {
                if (item.Batch is { } batch)
                {
                    pending.Add(batch);
                    if (pending.Count == _maxPerPublish) await PublishAsync(pending);
                    continue;
                }

                await PublishAsync(pending);
                await MakeDurableAsync(item.Step, item.Durable!);
            }

            await PublishAsync(pending);
        }
    }

    private async Task PublishAsync(List<MetricBatch> pending)
    {
        if (pending.Count == 0) return;
        if (_failure is null)
        {
            try
            {
                // Not the run's token: a cancelled run's points are stored too.
                await _sink.PublishAsync(pending.ToArray(), CancellationToken.None);
            }
            catch (Exception ex)
            {
                Volatile.Write(ref _failure, ex);
                _handle.Cancel(); // a run whose points cannot be kept is not worth finishing
            }
        }

        pending.Clear();
    }

    private async Task MakeDurableAsync(int step, TaskCompletionSource durable)
    {
        if (_failure is not null)
        {
            durable.TrySetCanceled(); // the run is being cancelled: nothing after the failure is durable
            return;
        }

        try
        {
            await _sink.MakeDurableAsync(step, CancellationToken.None);
            durable.TrySetResult();
        }
        catch (Exception ex)
        {
            durable.TrySetException(ex);
        }
    }

    /// <summary>A batch, or (Batch null) a checkpoint barrier after <see cref="Step"/> steps.</summary>
    private readonly record struct Item(MetricBatch? Batch, int Step, TaskCompletionSource? Durable);

    /// <summary>The trainer's view of the channel: batches only.</summary>
    private sealed class BatchWriter(ChannelWriter<Item> inner) : ChannelWriter<MetricBatch>
    {
        public override bool TryWrite(MetricBatch item) => inner.TryWrite(new Item(item, 0, null));

        public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default) =>
            inner.WaitToWriteAsync(cancellationToken);

        public override bool TryComplete(Exception? error = null) => inner.TryComplete(error);
    }
}
