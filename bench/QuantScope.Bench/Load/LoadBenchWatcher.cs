using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace QuantScope.Bench.Load;

/// <summary>
/// One watcher of the load bench: a minimal SignalR client (JSON protocol over a WebSocket, what a dashboard page's
/// hub connection does) that joins run groups, receives every byte of every message, and timestamps each
/// <c>ReceiveMetrics</c> of the ingested run by the first step it carries (the oldest batch in a coalesced message:
/// the conservative latency). It reads only the message's head (target, run id, first step) with a forward-only
/// reader: a browser parses its messages in its own process, so 20 full JSON parses per message here would charge
/// the server's process with the browsers' work (20 watchers × 21 ms per 10,000-point message, measured).
/// Stands in for a browser: 20 headless Chromiums do not fit next to the runs on 2 cores.
/// </summary>
public sealed class LoadBenchWatcher(Uri hub, Func<int, long?> sentAt) : IAsyncDisposable
{
    private const byte Separator = 0x1e; // SignalR record separator
    private readonly ClientWebSocket _socket = new();
    private readonly List<double> _latenciesMs = [];
    private Task? _receive;
    private long _received;
    private long _bytes;

    /// <summary>ReceiveMetrics messages received.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Bytes received.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Send-to-receipt latencies of the ingested run's batches, milliseconds.</summary>
    public IReadOnlyList<double> LatenciesMs { get { lock (_latenciesMs) return _latenciesMs.ToArray(); } }

    /// <summary>Connects, shakes hands and joins <paramref name="runs"/>; <paramref name="measured"/> is the ingested run.</summary>
    public async Task StartAsync(IReadOnlyList<Guid> runs, Guid measured, CancellationToken ct)
    {
        await _socket.ConnectAsync(hub, ct);
        await SendAsync("{\"protocol\":\"json\",\"version\":1}", ct);
        var id = 0;
        foreach (var run in runs.Distinct())
            await SendAsync($"{{\"type\":1,\"invocationId\":\"{++id}\",\"target\":\"JoinRun\",\"arguments\":[\"{run}\"]}}", ct);
        _receive = ReceiveAsync(measured, ct);
    }

    private Task SendAsync(string message, CancellationToken ct) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(message + (char)Separator), WebSocketMessageType.Text, true, ct);

    private async Task ReceiveAsync(Guid measured, CancellationToken ct)
    {
        var buffer = new byte[1 << 20];
        var filled = 0; // bytes of an unfinished record at the start of buffer (a record may span WebSocket messages)
        try
        {
            while (_socket.State == WebSocketState.Open && !ct.IsCancellationRequested)
            {
                if (filled == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                var result = await _socket.ReceiveAsync(buffer.AsMemory(filled), ct);
                if (result.MessageType == WebSocketMessageType.Close) return;
                Interlocked.Add(ref _bytes, result.Count);
                var scanFrom = filled;
                filled += result.Count;
                var start = 0;
                int end;
                while ((end = Array.IndexOf(buffer, Separator, scanFrom, filled - scanFrom)) >= 0)
                {
                    Handle(buffer.AsSpan(start, end - start), measured);
                    start = scanFrom = end + 1;
                }
                filled -= start;
                Buffer.BlockCopy(buffer, start, buffer, 0, filled);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // the bench is over
        }
    }

    // {"type":1,"target":"ReceiveMetrics","arguments":[{"runId":"...","scalars":[{"step":N,...: the writer's order.
    private void Handle(ReadOnlySpan<byte> record, Guid measured)
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        var reader = new Utf8JsonReader(record);
        if (!Find(ref reader, "target"u8) || !reader.Read() || !reader.ValueTextEquals("ReceiveMetrics"u8)) return;
        Interlocked.Increment(ref _received);
        if (!Find(ref reader, "runId"u8) || !reader.Read() || reader.GetGuid() != measured) return;
        if (!Find(ref reader, "step"u8) || !reader.Read() || sentAt(reader.GetInt32()) is not { } sent) return;
        lock (_latenciesMs) _latenciesMs.Add(System.Diagnostics.Stopwatch.GetElapsedTime(sent, now).TotalMilliseconds);
    }

    private static bool Find(ref Utf8JsonReader reader, ReadOnlySpan<byte> property)
    {
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals(property)) return true;
            }
        }
        catch (JsonException)
        {
        }
        return false;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        }
        catch (WebSocketException)
        {
        }
        if (_receive is not null) await Task.WhenAny(_receive, Task.Delay(2000));
        _socket.Dispose();
    }
}
