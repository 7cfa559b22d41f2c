using QuantScope.Data.Runs;
using QuantScope.Engine.Analysis.KeepList;
using QuantScope.Engine.Training;
using QuantScope.Web.Api;
using QuantScope.Web.Ptq;
using QuantScope.Web.Runs;

namespace QuantScope.Web.Analysis;

/// <summary>
/// The recommended keep-list of a stored engine run (<see cref="KeepListRecommender"/> over its measured error, or the
/// sensitivity of its latest PTQ report when one ranked layers), and the one-click follow-up: a new run with the same
/// config and the recommended plan, started through the <see cref="RunCoordinator"/>.
/// </summary>
public sealed class KeepListAdvisor(DiagnosisInputLoader loader, RunRepository runs, PtqJobRunner ptq, RunCoordinator coordinator)
{
    /// <summary>The recommendation; null when no run has <paramref name="id"/>.</summary>
    /// <exception cref="KeepListInputException">Not an engine run, a bad target, nothing quantized or nothing measured.</exception>
    public async Task<KeepListRecommendation?> RecommendAsync(Guid id, double target, CancellationToken ct) =>
        await PrepareAsync(id, target, ct) is { } prepared ? prepared.Recommendation : null;

    /// <summary>Starts a run with the recommended plan; its id, or null when no run has <paramref name="id"/>.</summary>
    /// <exception cref="KeepListInputException">As <see cref="RecommendAsync"/>, or the new config does not validate.</exception>
    public async Task<Guid?> StartAsync(Guid id, double target, CancellationToken ct)
    {
        if (await PrepareAsync(id, target, ct) is not { } prepared) return null;
        var (source, recommendation) = prepared;
        var name = $"{source.Config.Name} · keep {recommendation.Keep.Count} in high precision";
        var (config, errors) = ConfigValidator.Validate(
            source.Config with { Name = name.Length <= 200 ? name : name[..200], Quant = recommendation.Plan }, source.BaseDirectory);
        if (config is null) throw new KeepListInputException("quant", "of the recommended plan does not validate: " + string.Join("; ", errors));
        return await coordinator.StartAsync(config, ct);
    }

    private async Task<(ValidTrainConfig Config, KeepListRecommendation Recommendation)?> PrepareAsync(Guid id, double target, CancellationToken ct)
    {
        if (await runs.GetAsync(id, ct) is not { } run || await loader.LoadAsync(id, ct) is not { } input) return null;
        if (run.Kind != RunKinds.Engine) throw new KeepListInputException("run", $"is a {run.Kind} run: only engine runs have a config to start again");
        var (config, errors) = ConfigReader.Read(run.ConfigJson);
        if (config is null) throw new KeepListInputException("run", "has a config that no longer validates: " + string.Join("; ", errors));
        if (config.Config.Quant is not { } quant) throw new KeepListInputException("quant", "is off in this run: it quantized nothing, so there is nothing to keep");
        var sensitivity = ptq.LatestSensitivity(id)?.Sensitivity;
        return (config, KeepListRecommender.Recommend(input, quant.ToPlan(), target, sensitivity));
    }
}
