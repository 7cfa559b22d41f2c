using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Options;
using QuantScope.Engine.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;
using QuantScope.Web.Runs;

namespace QuantScope.Web.Cluster;

/// <summary>
/// The <c>worker</c> verb: this executable as an Orleans silo that joins the cluster through the PostgreSQL membership
/// table (ADO.NET clustering), announces its devices and slots, and trains the sweep runs placed on it until Ctrl+C.
/// Settings come from the <c>Cluster</c> section (appsettings.json, <c>Cluster__*</c> environment variables), then the
/// options below. Exit codes: 0 stopped, 2 bad settings.
/// </summary>
public static class WorkerCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var connection = new Option<string?>("--connection") { Description = "PostgreSQL connection string of the membership database (Cluster:ConnectionString)." };
        var slots = new Option<int?>("--slots") { Description = "Runs this worker trains at once (Cluster:Slots, default 1)." };
        var name = new Option<string?>("--name") { Description = "Worker name shown in the dashboard (default machine:port)." };
        var checkpoints = new Option<string?>("--checkpoints") { Description = "Checkpoint folder shared by all workers (Cluster:CheckpointRoot)." };
        var siloPort = new Option<int?>("--silo-port") { Description = "Silo-to-silo port (default: a free port)." };
        var gatewayPort = new Option<int?>("--gateway-port") { Description = "Client gateway port (default: a free port)." };
        var advertise = new Option<string?>("--advertise") { Description = "IP address other machines reach this worker on (default: this host's first address)." };
        var threads = Cli.CliThreads.Option();
        var initSchema = new Option<bool>("--init-schema") { Description = "Create the Orleans membership tables in the database if missing, then start." };
        var command = new Command("worker", "Join the cluster as a worker: train the sweep runs Orleans places here.")
        {
            connection, slots, name, checkpoints, siloPort, gatewayPort, advertise, threads, initSchema,
        };
        command.SetAction(async (parsed, ct) =>
        {
            var configuration = new ConfigurationBuilder()
                .AddJsonFile("appsettings.json", optional: true)
                .AddEnvironmentVariables()
                .Build();
            var options = configuration.GetSection(ClusterModeOptions.Section).Get<ClusterModeOptions>() ?? new ClusterModeOptions();
            options.ConnectionString = parsed.GetValue(connection) ?? options.ConnectionString;
            options.Slots = parsed.GetValue(slots) ?? options.Slots;
            options.WorkerName = parsed.GetValue(name) ?? options.WorkerName;
            options.CheckpointRoot = parsed.GetValue(checkpoints) ?? options.CheckpointRoot;
            options.SiloPort = parsed.GetValue(siloPort) ?? options.SiloPort;
            options.GatewayPort = parsed.GetValue(gatewayPort) ?? options.GatewayPort;
            IPAddress? address = null;
            var errors = options.Validate().Select(e => e.ToString()).ToList();
            if (string.IsNullOrWhiteSpace(options.ConnectionString)) errors.Add("--connection (Cluster:ConnectionString) is required");
            if (parsed.GetValue(advertise) is { } ip && !IPAddress.TryParse(ip, out address)) errors.Add($"--advertise: '{ip}' is not an IP address");
            if (errors.Count > 0)
            {
                foreach (var error in errors) await stderr.WriteLineAsync(error);
                return Cli.QuantScopeCli.UsageError;
            }
            if (parsed.GetValue(initSchema)) await OrleansPostgresSchema.ApplyAsync(options.ConnectionString!, ct);
            return await RunAsync(options, address, parsed.GetValue(threads), stdout, ct);
        });
        return command;
    }

    /// <summary>Runs a worker silo with <paramref name="options"/> until <paramref name="ct"/> fires; returns 0.</summary>
    public static async Task<int> RunAsync(ClusterModeOptions options, IPAddress? advertise, int? threads, TextWriter stdout, CancellationToken ct)
    {
        using var host = BuildHost(options, advertise, threads);
        await host.StartAsync(ct);
        await stdout.WriteLineAsync($"worker {options.WorkerName}: {options.Slots} slot(s), silo port {options.SiloPort}, gateway port {options.GatewayPort}, devices: "
            + string.Join(", ", DeviceProbe.Detect().Select(d => d.Name)));
        await stdout.FlushAsync(ct);
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: leave the cluster gracefully; running jobs are interrupted and placed on other workers.
        }
        await host.StopAsync(CancellationToken.None);
        return 0;
    }

    /// <summary>
    /// The worker's host (not started): a silo on ADO.NET clustering with <paramref name="options"/>; free ports are
    /// picked for ports left 0 (written back into <paramref name="options"/>), and the name defaults to machine:port.
    /// </summary>
    /// <param name="options">The cluster settings.</param>
    /// <param name="advertise">The address other machines reach this worker on (null = this host's first).</param>
    /// <param name="threads"><c>--threads</c>: the cores the worker's slots share (null = <c>Training:Threads</c>, else the machine's).</param>
    public static IHost BuildHost(ClusterModeOptions options, IPAddress? advertise, int? threads = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SiloPort == 0) options.SiloPort = FreePort.Pick();
        if (options.GatewayPort == 0) options.GatewayPort = FreePort.Pick();
        options.WorkerName ??= $"{Environment.MachineName}:{options.SiloPort}";
        var builder = Host.CreateApplicationBuilder();
        if (threads is { } cores) builder.Configuration[$"{TrainingOptions.Section}:{nameof(TrainingOptions.Threads)}"] = cores.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Services.AddSingleton(Options.Create(TrainingOptions.From(builder.Configuration))); // training threads' priority
        builder.UseOrleans(silo =>
        {
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = options.Invariant;
                o.ConnectionString = options.ConnectionString;
            });
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            });
            if (advertise is null) silo.ConfigureEndpoints(options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
            else silo.ConfigureEndpoints(advertise, options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
            silo.AddQuantScopeWorker(options);
        });
        return builder.Build();
    }
}
