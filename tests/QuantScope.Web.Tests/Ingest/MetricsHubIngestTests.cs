using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using QuantScope.Web.Hubs;
using static QuantScope.Web.Tests.Ingest.IngestTestClient;

namespace QuantScope.Web.Tests.Ingest;

public sealed class MetricsHubIngestTests : IClassFixture<QuantScopeWebFactory>
{
    private readonly QuantScopeWebFactory _factory;

    public MetricsHubIngestTests(QuantScopeWebFactory factory) => _factory = factory;

    [Fact]
    public async Task IngestMetrics_ValidBatch_StoredAndBroadcastToJoinedClients()
    {
        var http = _factory.CreateClient();
        var id = await CreateExternalAsync(http, "hub");
        await using var hub = Connect();
        var received = new TaskCompletionSource<MetricBatch>(TaskCreationOptions.RunContinuationsAsynchronously);
        var layersAnnounced = new TaskCompletionSource<RunStatusDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<MetricBatch>(nameof(IMetricsClient.ReceiveMetrics), b => received.TrySetResult(b));
        hub.On<RunStatusDto>(nameof(IMetricsClient.RunStatusChanged), s =>
        {
            if (s.Layers is { Count: > 0 }) layersAnnounced.TrySetResult(s);
        });
        await hub.StartAsync();
        await hub.InvokeAsync(nameof(MetricsHub.JoinRun), id);

        var result = await hub.InvokeAsync<JsonElement>(nameof(MetricsHub.IngestMetrics), id, new
        {
            steps = new[] { 0, 0 },
            names = new[] { "loss", "amax" },
            layers = new[] { null, "blocks.0.fc2" },
            roles = new[] { null, "weight" },
            values = new[] { 3.0, 448.0 },
        });

        Assert.Equal(2, result.GetProperty("points").GetInt32());
        Assert.Equal(["blocks.0.fc2"], (await layersAnnounced.Task.WaitAsync(TimeSpan.FromSeconds(10))).Layers!);
        var batch = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([new ScalarPoint(0, "loss", 3f)], batch.Scalars);
        Assert.Equal([448f], Assert.Single(batch.LayerPoints).Values);
        var amax = await WaitForSeriesAsync(http, id, "metric=amax&layer=blocks.0.fc2&role=weight", 1);
        Assert.Equal(448f, amax[0].GetProperty("value").GetSingle());
    }

    [Fact]
    public async Task IngestMetrics_BadBatchOrUnknownRun_HubExceptionNamingTheProblem()
    {
        var http = _factory.CreateClient();
        var id = await CreateExternalAsync(http, "hub-bad");
        await using var hub = Connect();
        await hub.StartAsync();

        var bad = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<JsonElement>(nameof(MetricsHub.IngestMetrics), id,
            new { steps = new[] { 0, 1 }, names = new[] { "loss", "loss" }, values = new object[] { 1.0, "oops" } }));
        Assert.Contains("values[1]", bad.Message);
        var missing = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<JsonElement>(nameof(MetricsHub.IngestMetrics),
            Guid.NewGuid(), new { steps = new[] { 0 }, names = new[] { "loss" }, values = new[] { 1.0 } }));
        Assert.Contains("No run has id", missing.Message);
        Assert.Equal(-1, (await GetRunAsync(http, id)).GetProperty("lastStep").GetInt32());
    }

    [Fact]
    public async Task IngestMetrics_MessageOverTheOldDefaultLimit_Accepted()
    {
        var http = _factory.CreateClient();
        var id = await CreateExternalAsync(http, "hub-big");
        await using var hub = Connect();
        await hub.StartAsync();
        const int n = 20_000; // ~600 KB of JSON: far over SignalR's 32 KB default, under the raised limit

        var result = await hub.InvokeAsync<JsonElement>(nameof(MetricsHub.IngestMetrics), id, new
        {
            steps = Enumerable.Range(0, n).ToArray(),
            names = Enumerable.Repeat("loss", n).ToArray(),
            values = Enumerable.Range(0, n).Select(i => 1.0 / (i + 1)).ToArray(),
        });

        Assert.Equal(n, result.GetProperty("points").GetInt32());
        Assert.Equal(n, (await WaitForSeriesAsync(http, id, "metric=loss", n)).GetArrayLength());
    }

    private HubConnection Connect() => new HubConnectionBuilder()
        .WithUrl(new Uri(_factory.Server.BaseAddress, MetricsHub.Path), o =>
        {
            o.HttpMessageHandlerFactory = _ => _factory.Server.CreateHandler();
            o.Transports = HttpTransportType.LongPolling;
        })
        .AddJsonProtocol(o => JsonDefaults.Apply(o.PayloadSerializerOptions))
        .Build();
}
