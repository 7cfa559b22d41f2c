using Microsoft.Extensions.Options;
using QuantScope.Engine.Analysis.Diagnosis;

namespace QuantScope.Web.Analysis;

/// <summary>
/// Diagnoses a stored run (live or ended): loads its series and runs every detector with the configured thresholds
/// (section <c>Diagnosis</c> of appsettings, validated at start; the defaults when absent).
/// </summary>
public sealed class RunDiagnoser(DiagnosisInputLoader loader, IOptions<DiagnosisThresholds> thresholds)
{
    /// <summary>A diagnoser with the default thresholds (the CLI verb).</summary>
    public RunDiagnoser(DiagnosisInputLoader loader) : this(loader, Options.Create(DiagnosisThresholds.Default)) { }

    /// <summary>The thresholds in use.</summary>
    public DiagnosisThresholds Thresholds { get; } = thresholds.Value;

    /// <summary>The findings, critical first; null when no run has <paramref name="id"/>.</summary>
    public async Task<IReadOnlyList<Finding>?> DiagnoseAsync(Guid id, CancellationToken ct) =>
        await loader.LoadAsync(id, ct) is { } input ? Diagnoser.Run(input, Thresholds) : null;
}
