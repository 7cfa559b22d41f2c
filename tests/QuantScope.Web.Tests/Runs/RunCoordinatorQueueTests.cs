using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using QuantScope.Web.Runs;

namespace QuantScope.Web.Tests.Runs;

/// <summary>
/// With <c>Training:MaxConcurrentRuns</c> = 1 a second run is queued: its position is known, it can be cancelled
/// before it starts, it starts when the first ends, and a run still queued when the server stops queues again at the
/// next start and trains.
/// </summary>
public sealed class RunCoordinatorQueueTests(QuantScopeWebFactory factory) : IClassFixture<QuantScopeWebFactory>
{
    private WebApplicationFactory<Program> OneRunAtATime() =>
        factory.WithWebHostBuilder(b => b.UseSetting("Training:MaxConcurrentRuns", "1").UseSetting("Training:Threads", "1"));

    [Fact]
    public async Task Create_SecondRun_QueuedUntilTheFirstEndsAndCancellableMeanwhile()
    {
        await using var app = OneRunAtATime();
        var client = app.CreateClient();
        var coordinator = app.Services.GetRequiredService<RunCoordinator>();
        Assert.Equal((1, 1), coordinator.Capacity);

        var first = await factory.CreateRunAsync(client, QuantScopeWebFactory.TinyConfig(steps: 100_000));
        await QuantScopeWebFactory.WaitForStatusAsync(client, first, "running");
        var second = await factory.CreateRunAsync(client, QuantScopeWebFactory.TinyConfig(steps: 3));
        var third = await factory.CreateRunAsync(client, QuantScopeWebFactory.TinyConfig(steps: 3));
        Assert.Equal("queued", (await client.GetFromJsonAsync<JsonElement>($"/api/runs/{second}")).GetProperty("status").GetString());
        Assert.Equal((1, 2), (coordinator.QueuePosition(second), coordinator.QueuePosition(third)));

        // A queued run is cancelled at once and never trains.
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"/api/runs/{second}/cancel", null)).StatusCode);
        var cancelled = await QuantScopeWebFactory.WaitForStatusAsync(client, second, "cancelled");
        Assert.Equal(("cancelled", -1), (cancelled.GetProperty("status").GetString(), cancelled.GetProperty("lastStep").GetInt32()));
        Assert.Equal(1, coordinator.QueuePosition(third));

        // The third starts when the first ends.
        await client.PostAsync($"/api/runs/{first}/cancel", null);
        await QuantScopeWebFactory.WaitForStatusAsync(client, first, "cancelled");
        var done = await QuantScopeWebFactory.WaitForStatusAsync(client, third, "completed", "failed");
        Assert.Equal(("completed", 2), (done.GetProperty("status").GetString(), done.GetProperty("lastStep").GetInt32()));
        Assert.Null(coordinator.QueuePosition(third));
    }

    [Fact]
    public async Task Restart_RunStillQueued_QueuesAgainAndTrains()
    {
        Guid queued;
        await using (var before = OneRunAtATime())
        {
            var client = before.CreateClient();
            var busy = await factory.CreateRunAsync(client, QuantScopeWebFactory.TinyConfig(steps: 100_000));
            await QuantScopeWebFactory.WaitForStatusAsync(client, busy, "running");
            queued = await factory.CreateRunAsync(client, QuantScopeWebFactory.TinyConfig(steps: 3));
            Assert.Equal("queued", (await client.GetFromJsonAsync<JsonElement>($"/api/runs/{queued}")).GetProperty("status").GetString());
        } // the server stops: the training run is interrupted, the queued one stays queued

        await using var after = OneRunAtATime();
        var restarted = after.CreateClient();
        var run = await QuantScopeWebFactory.WaitForStatusAsync(restarted, queued, "completed", "failed");
        Assert.Equal(("completed", 2), (run.GetProperty("status").GetString(), run.GetProperty("lastStep").GetInt32()));
    }
}
