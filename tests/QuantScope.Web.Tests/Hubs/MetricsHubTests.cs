using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using QuantScope.Web.Hubs;

namespace QuantScope.Web.Tests.Hubs;

public sealed class MetricsHubTests : IClassFixture<QuantScopeWebFactory>
{
    private readonly QuantScopeWebFactory _factory;

    public MetricsHubTests(QuantScopeWebFactory factory) => _factory = factory;

    [Fact]
    public async Task JoinRun_WhileTraining_ReceivesItsBatchesAndCompletion()
    {
        var http = _factory.CreateClient();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(_factory.Server.BaseAddress, MetricsHub.Path), o =>
            {
                o.HttpMessageHandlerFactory = _ => _factory.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling;
            })
            .AddJsonProtocol(o => JsonDefaults.Apply(o.PayloadSerializerOptions))
            .Build();
        var batches = new ConcurrentQueue<MetricBatch>();
        var completed = new TaskCompletionSource<RunStatusDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<MetricBatch>(nameof(IMetricsClient.ReceiveMetrics), batches.Enqueue);
        hub.On<RunStatusDto>(nameof(IMetricsClient.RunStatusChanged), s =>
        {
            if (s.Status is RunStatus.Completed or RunStatus.Failed) completed.TrySetResult(s);
        });
        await hub.StartAsync();

        // 60 steps take long enough that joining right after the start sees most of them.
        var response = await http.PostAsJsonAsync("/api/runs", QuantScopeWebFactory.TinyConfig(60));
        var id = (await response.Content.ReadFromJsonAsync<RunCreated>())!.Id;
        await hub.InvokeAsync(nameof(MetricsHub.JoinRun), id);

        var end = await completed.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(RunStatus.Completed, end.Status);
        var run = await http.GetFromJsonAsync<RunLayers>($"/api/runs/{id}", JsonDefaults.Options);

        Assert.True(batches.Count >= 5, $"received {batches.Count} batches");
        Assert.All(batches, b => Assert.Equal(id, b.RunId));
        var steps = batches.SelectMany(b => b.Scalars).Where(p => p.Metric == MetricCatalog.Loss).Select(p => p.Step).ToList();
        Assert.Equal(steps.Distinct().Count(), steps.Count);
        Assert.Contains(59, steps);
        Assert.All(batches.SelectMany(b => b.LayerPoints), p => Assert.Equal(run!.Layers.Count, p.Values.Length));
        Assert.Contains(batches.SelectMany(b => b.LayerPoints), p => p.Metric == MetricCatalog.OverflowFraction && p.Role == TensorRoles.Input);
    }

    private sealed record RunCreated(Guid Id);

    private sealed record RunLayers(IReadOnlyList<string> Layers);
}
