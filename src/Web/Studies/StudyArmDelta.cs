namespace QuantScope.Web.Studies;

/// <summary>New points of one study run for the charts.</summary>
/// <param name="Loss">New loss and twin-loss points (two traces, in that order).</param>
/// <param name="Ape">New loss APE points.</param>
/// <param name="Ended">True when this update ended the run (the page reloads its results and diagnosis).</param>
public sealed record StudyArmDelta(IReadOnlyList<IReadOnlyList<(int Step, float Value)>> Loss, IReadOnlyList<(int Step, float Value)> Ape, bool Ended);
