using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training.Sweeps;
using QuantScope.Web.Api;

namespace QuantScope.Web.Sweeps;

/// <summary>Creates sweeps from their JSON: parse, expand and validate every run (as <c>POST /api/runs</c> would), start.</summary>
public sealed class SweepService(SweepRunner runner, Security.ConfigPathPolicy? paths = null, Microsoft.Extensions.Options.IOptions<SweepOptions>? options = null)
{
    /// <summary>The expanded sweep, or the errors naming the sweep field, grid field and value (exactly one is set).</summary>
    /// <remarks><paramref name="paths"/>: which files each run's config may name (web); null = any (the CLI).</remarks>
    /// <remarks><paramref name="deviceHere"/>: false when the runs go to cluster workers (their devices, not this machine's, count).</remarks>
    public static (SweepConfig? Sweep, SweepExpansion? Expansion, IReadOnlyList<ConfigError> Errors) Expand(
        string json, string? baseDirectory = null, Security.ConfigPathPolicy? paths = null, bool deviceHere = true)
    {
        var (sweep, errors) = SweepConfigParser.Parse(json);
        if (sweep is null) return (null, null, errors);
        var expansion = SweepExpander.Expand(sweep, body => ConfigReader.Read(body, baseDirectory, paths, deviceHere));
        return expansion.IsValid ? (sweep, expansion, []) : (null, null, expansion.Errors);
    }

    /// <summary>Validates and starts the sweep described by <paramref name="json"/>.</summary>
    public async Task<(SweepCreatedDto? Created, IReadOnlyList<ConfigError> Errors)> CreateAsync(string json, CancellationToken ct)
    {
        var (sweep, expansion, errors) = Expand(json, paths: paths, deviceHere: !runner.ToCluster);
        if (sweep is null) return (null, errors);
        // One rule: a sweep asking for more parallel runs than this server trains is refused, not quietly clamped.
        var max = Math.Max(1, (options?.Value ?? new SweepOptions()).MaxWorkers);
        if (sweep.Workers > max)
            return (null, [new ConfigError("workers", $"must be at most {max} on this server (Sweeps:MaxWorkers)")]);
        var (id, runs) = await runner.StartAsync(sweep, expansion!.Points, ct);
        return (new SweepCreatedDto(id, runs), []);
    }
}
