namespace QuantScope.Web.Api;

/// <summary>A layer replayed with the run's own settings (from its effective plan), against what the run recorded.</summary>
/// <param name="Settings">The own settings, e.g. <c>most_recent/H=16</c>.</param>
/// <param name="Events">Replayed saturation events.</param>
/// <param name="Measured">Replayed steps.</param>
/// <param name="SaturationRate">Events / measured.</param>
/// <param name="RecordedEvents">Events the run recorded (saturationEvent = 1) on the replayed steps.</param>
/// <param name="Mismatches">Steps where replay and record disagree (0 = reproduced exactly).</param>
public sealed record ReplayOwnDto(string Settings, int Events, int Measured, double SaturationRate, int RecordedEvents, int Mismatches);
