using Microsoft.AspNetCore.Components;
using QuantScope.Engine.Analysis.Diagnosis;
using QuantScope.Web.Studies;

namespace QuantScope.Web.Components.Charts;

/// <summary>What one study run came to: loss APE, saturation rate, forgetting, task drops (± their standard error when the summary has it) and its diagnosis.</summary>
public partial class StudyRunResult
{
    /// <summary>The ended run, as the study read it.</summary>
    [Parameter, EditorRequired] public StudyRunDto Run { get; set; } = default!;

    /// <summary>Its findings, critical first; null while diagnosing.</summary>
    [Parameter, EditorRequired] public IReadOnlyList<Finding>? Findings { get; set; }

    private static string Number(double? value) => RunSummaryPanel.Number(value);
}
