using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace QuantScope.Web.Cli;

/// <summary>
/// One watcher of the load bench: a minimal SignalR client (JSON protocol over a WebSocket, what a dashboard page's
/// hub connection does) that joins run groups and timestamps every <c>ReceiveMetrics</c> of the ingested run by the
/// first step it carries. Stands in for a browser: 20 headless Chromiums do not fit next to the runs on 2 cores.
/// </summary>
public sealed class LoadBenchWatcher(Uri hub, Func<int, long?> sentAt) : IAsyncDisposable
{
    private const char Separator = '\u001e'; // SignalR record separator
    private readonly ClientWebSocket _socket = new();
    private readonly List<double> _latenciesMs = [];
    private Task? _receive;

    /// <summary>Messages received.</summary>
    public long Received { get; private set; }

    /// <summary>Send-to-receipt latencies of the ingested run's batches, milliseconds.</summary>
    public IReadOnlyList<double> LatenciesMs { get { lock (_latenciesMs) return _latenciesMs.ToArray(); } }

    /// <summary>Connects, shakes hands and joins <paramref name="runs"/>; <paramref name="measured"/> is the ingested run.</summary>
    public async Task StartAsync(IReadOnlyList<Guid> runs, Guid measured, CancellationToken ct)
    {
        await _socket.ConnectAsync(hub, ct);
        await SendAsync("{\"protocol\":\"json\",\"version\":1}", ct);
        var id = 0;
        foreach (var run in runs)
            await SendAsync($"{{\"type\":1,\"invocationId\":\"{++id}\",\"target\":\"JoinRun\",\"arguments\":[\"{run}\"]}}", ct);
        _receive = ReceiveAsync(measured, ct);
    }

    private Task SendAsync(string message, CancellationToken ct) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(message + Separator), WebSocketMessageType.Text, true, ct);

    private async Task ReceiveAsync(Guid measured, CancellationToken ct)
    {
        var buffer = new byte[1 << 20];
        var pending = new StringBuilder();
        try
        {
            while (_socket.State == WebSocketState.Open && !ct.IsCancellationRequested)
            {
                var result = await _socket.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close) return;
                pending.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
                if (!result.EndOfMessage) continue;
                var text = pending.ToString();
                pending.Clear();
                foreach (var record in text.Split(Separator, StringSplitOptions.RemoveEmptyEntries)) Handle(record, measured);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // the bench is over
        }
    }

    private void Handle(string record, Guid measured)
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        using var doc = JsonDocument.Parse(record);
        var root = doc.RootElement;
        if (!root.TryGetProperty("target", out var target) || target.GetString() != "ReceiveMetrics") return;
        Received++;
        var batch = root.GetProperty("arguments")[0];
        if (batch.GetProperty("runId").GetGuid() != measured) return;
        var scalars = batch.GetProperty("scalars");
        if (scalars.GetArrayLength() == 0 || sentAt(scalars[0].GetProperty("step").GetInt32()) is not { } sent) return;
        lock (_latenciesMs) _latenciesMs.Add(System.Diagnostics.Stopwatch.GetElapsedTime(sent, now).TotalMilliseconds);
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
