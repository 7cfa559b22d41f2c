using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using QuantScope.Web.Runs;

namespace QuantScope.Web.Tests.Runs;

public sealed class TrainingOptionsTests(QuantScopeWebFactory factory) : IClassFixture<QuantScopeWebFactory>
{
    [Theory]
    [InlineData("-1")]
    [InlineData("20")]
    public void From_NicenessOutOfRange_ThrowsNamingTheKey(string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Training:Niceness"] = value }).Build();

        var error = Assert.Throws<OptionsValidationException>(() => TrainingOptions.From(configuration));

        Assert.Contains($"Training:Niceness: must be between 0 and 19", error.Message, StringComparison.Ordinal);
        Assert.Contains($"was {value}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_NoSection_DefaultsToTen()
    {
        Assert.Equal(10, TrainingOptions.From(new ConfigurationBuilder().Build()).Niceness);
    }

    [Theory]
    [InlineData("gpu", "Training:Device: 'gpu' must be one of: auto, cpu, cuda, cuda:N")]
    [InlineData("cuda:x", "Training:Device: 'cuda:x' must be one of: auto, cpu, cuda, cuda:N")]
    [InlineData("cuda", "Training:Device: 'cuda' is not available: this is a CPU-only build")]
    public void From_DeviceNotHere_ThrowsNamingTheKey(string value, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Training:Device"] = value }).Build();

        var error = Assert.Throws<OptionsValidationException>(() => TrainingOptions.From(configuration));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "auto")]
    [InlineData("CPU", "cpu")]
    public void From_Device_DefaultsToAutoAndReadsCpu(string? value, string expected)
    {
        var values = value is null ? new Dictionary<string, string?>() : new Dictionary<string, string?> { ["Training:Device"] = value };
        var options = TrainingOptions.From(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        Assert.Equal(expected, options.DefaultDevice.ToString());
    }

    [Fact]
    public async Task EngineRun_TrainsOnAThreadTenBelowTheServer()
    {
        using var client = factory.CreateClient();
        var id = await factory.CreateRunAsync(client, QuantScopeWebFactory.TinyConfig(steps: 100_000));
        await QuantScopeWebFactory.WaitForStatusAsync(client, id, "running");
        try
        {
            // Linux keeps 15 characters of a thread's name: "train-" and the first 9 hex digits of the run id.
            var name = $"train-{id:N}"[..15];
            var threads = Directory.GetDirectories("/proc/self/task").Where(t => CommOf(t) == name).ToList();
            Assert.NotEmpty(threads);
            var server = NiceFromProc(Environment.ProcessId);
            Assert.All(threads, t => Assert.Equal(Math.Min(19, server + 10), NiceOf(t)));
        }
        finally
        {
            await client.PostAsync($"/api/runs/{id}/cancel", null);
            await QuantScopeWebFactory.WaitForStatusAsync(client, id, "cancelled", "completed", "failed");
        }
    }

    // A thread's name, or null when it ended between listing /proc/self/task and reading its folder (pool threads come and go).
    private static string? CommOf(string taskFolder)
    {
        try
        {
            return File.ReadAllText(Path.Combine(taskFolder, "comm")).TrimEnd('\n');
        }
        catch (IOException) // DirectoryNotFoundException and FileNotFoundException included
        {
            return null;
        }
    }

    private static int NiceFromProc(int tid) => NiceOf($"/proc/self/task/{tid}");

    // /proc/<tid>/stat: "tid (comm) state ppid ..."; nice is field 19, the 17th after the closing parenthesis.
    private static int NiceOf(string taskFolder)
    {
        var stat = File.ReadAllText(Path.Combine(taskFolder, "stat"));
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], CultureInfo.InvariantCulture);
    }
}
