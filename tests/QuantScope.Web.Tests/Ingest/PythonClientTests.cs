using System.Diagnostics;
using QuantScope.Tests.Shared;

namespace QuantScope.Web.Tests.Ingest;

/// <summary>
/// clients/python against a real server: the example loop runs in the machine's python3 (required: a missing
/// interpreter fails the test with a message, it does not skip).
/// </summary>
public sealed class PythonClientTests : IClassFixture<KestrelQuantScopeServer>
{
    private readonly KestrelQuantScopeServer _server;

    public PythonClientTests(KestrelQuantScopeServer server) => _server = server;

    [Fact]
    public async Task ExampleTrainLoop_AgainstKestrel_StoresItsSeriesAndCompletes()
    {
        var script = Path.Combine(RepoPaths.Root, "clients", "python", "example_train_loop.py");
        var (exit, stdout, stderr) = await RunPythonAsync(script, "--url", _server.BaseUrl, "--steps", "20", "--layers", "4");
        Assert.True(exit == 0, $"python3 exited with {exit}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        var line = stdout.Split('\n').Last(l => l.StartsWith("run_id=", StringComparison.Ordinal));
        var id = Guid.Parse(line["run_id=".Length..].Trim());

        using var http = new HttpClient { BaseAddress = new Uri(_server.BaseUrl) };
        var run = await QuantScopeWebFactory.WaitForStatusAsync(http, id, "completed", "failed");
        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Equal("external", run.GetProperty("kind").GetString());
        Assert.Equal(19, run.GetProperty("lastStep").GetInt32());
        // Two layers announced at creation, two appended when first logged.
        var layers = run.GetProperty("layers").EnumerateArray().Select(l => l.GetString()).ToList();
        Assert.Equal(Enumerable.Range(0, 4).Select(i => $"model.layers.{i}.mlp.down_proj"), layers);

        var loss = await Get(http, $"/api/runs/{id}/series?metric=loss");
        Assert.Equal(Enumerable.Range(0, 20), loss.EnumerateArray().Select(p => p.GetProperty("step").GetInt32()));
        var amax = await Get(http, $"/api/runs/{id}/heatmap?metric=amax&role=input");
        Assert.All(amax.GetProperty("values").EnumerateArray(), layer =>
            Assert.All(layer.EnumerateArray(), v => Assert.True(v.GetSingle() > 0)));
        // From the TE debug-API logger: "<layer>_gradient_underflows%" in percent -> underflowFraction (role grad) 0..0.02.
        var underflow = await Get(http, $"/api/runs/{id}/heatmap?metric=underflowFraction&role=grad");
        Assert.Equal(20, underflow.GetProperty("steps").GetArrayLength());
        Assert.All(underflow.GetProperty("values").EnumerateArray(), layer =>
            Assert.All(layer.EnumerateArray(), v => Assert.InRange(v.GetSingle(), 0f, 0.02f)));
    }

    [Fact]
    public async Task ParseTeStat_NvdlfwNames_MapToLayerRoleAndMetric()
    {
        var code = """
            import json, sys
            sys.path.insert(0, sys.argv[1])
            from quantscope_client import parse_te_stat
            names = ["decoder.1.mlp.fc2_activation_underflows%", "decoder.1.self_attention.proj_weight_cur_amax",
                     "decoder.0.mlp.fc1_gradient_mse", "decoder.0.mlp.fc1_gradient_std", "loss"]
            print(json.dumps([parse_te_stat(n, 50.0) for n in names]))
            """;
        var (exit, stdout, stderr) = await RunPythonAsync("-c", code, Path.Combine(RepoPaths.Root, "clients", "python"));
        Assert.True(exit == 0, stderr);
        var parsed = JsonSerializer.Deserialize<JsonElement[][]>(stdout)!;
        Assert.Equal("""["decoder.1.mlp.fc2","input","underflowFraction",0.5]""", JsonSerializer.Serialize(parsed[0]));
        Assert.Equal("""["decoder.1.self_attention.proj","weight","amax",50.0]""", JsonSerializer.Serialize(parsed[1]).Replace("50]", "50.0]"));
        Assert.Equal("grad", parsed[2][1].GetString());
        Assert.Equal("mse", parsed[2][2].GetString());
        Assert.Equal("std", parsed[3][2].GetString());
        Assert.Equal(JsonValueKind.Null, parsed[4][0].ValueKind);
        Assert.Equal("loss", parsed[4][2].GetString());
    }

    private static Task<JsonElement> Get(HttpClient http, string url) => http.GetFromJsonAsync<JsonElement>(url, JsonDefaults.Options);

    private static async Task<(int Exit, string Stdout, string Stderr)> RunPythonAsync(params string[] args)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("Process.Start returned null");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException(
                "python3 is required by the Python client tests but could not be started (install python3 and put it on PATH): " + ex.Message, ex);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"python3 did not finish in 120 s; stderr so far: {await stderr}");
            }
            return (process.ExitCode, await stdout, await stderr);
        }
    }
}
