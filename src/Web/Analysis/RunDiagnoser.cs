using QuantScope.Engine.Analysis.Diagnosis;

namespace QuantScope.Web.Analysis;

/// <summary>Diagnoses a stored run (live or ended): loads its series and runs every detector with the default thresholds.</summary>
public sealed class RunDiagnoser(DiagnosisInputLoader loader)
{
    /// <summary>The thresholds in use.</summary>
    public DiagnosisThresholds Thresholds { get; } = DiagnosisThresholds.Default;

    /// <summary>The findings, critical first; null when no run has <paramref name="id"/>.</summary>
    public async Task<IReadOnlyList<Finding>?> DiagnoseAsync(Guid id, CancellationToken ct) =>
        await loader.LoadAsync(id, ct) is { } input ? Diagnoser.Run(input, Thresholds) : null;
}
