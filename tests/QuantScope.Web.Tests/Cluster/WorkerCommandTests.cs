using QuantScope.Web.Cli;
using QuantScope.Web.Cluster;

namespace QuantScope.Web.Tests.Cluster;

public sealed class WorkerCommandTests
{
    [Fact]
    public async Task Worker_NoConnection_FailsNamingTheOption()
    {
        var (code, _, err) = await CliRun.RunAsync(["worker", "--slots", "2"]);

        Assert.Equal(QuantScopeCli.UsageError, code);
        Assert.Contains("--connection (Cluster:ConnectionString) is required", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Worker_BadSlotsAndAddress_NamesEachField()
    {
        var (code, _, err) = await CliRun.RunAsync(["worker", "--connection", "Host=x", "--slots", "0", "--advertise", "not-an-ip"]);

        Assert.Equal(QuantScopeCli.UsageError, code);
        Assert.Contains("Cluster:Slots: must be 1..64", err, StringComparison.Ordinal);
        Assert.Contains("--advertise: 'not-an-ip' is not an IP address", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0, "Cluster:HeartbeatSeconds")]
    [InlineData(double.NaN, "Cluster:HeartbeatSeconds")]
    public void Validate_BadHeartbeat_NamesTheField(double seconds, string field)
    {
        var errors = new ClusterModeOptions { HeartbeatSeconds = seconds }.Validate();

        Assert.Contains(errors, e => e.Field == field);
    }
}
