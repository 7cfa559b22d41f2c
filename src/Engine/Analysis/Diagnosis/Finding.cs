namespace QuantScope.Engine.Analysis.Diagnosis;

/// <summary>One thing a detector found in a run.</summary>
/// <param name="Detector">Detector id (<see cref="DetectorIds"/>).</param>
/// <param name="Severity">How much it matters.</param>
/// <param name="Title">One line.</param>
/// <param name="Evidence">What was measured, with numbers.</param>
/// <param name="Layers">Layers involved (full module names), worst first.</param>
/// <param name="Steps">Steps involved, ascending (a few, not all).</param>
/// <param name="Chart">The chart that shows it.</param>
/// <param name="Fix">What to try.</param>
public sealed record Finding(
    string Detector, FindingSeverity Severity, string Title, string Evidence,
    IReadOnlyList<string> Layers, IReadOnlyList<int> Steps, ChartHint Chart, string Fix);
