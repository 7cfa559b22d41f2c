namespace QuantScope.Engine.Training;

/// <summary>One target of the demo study, as measured by the study itself.</summary>
/// <param name="Arm">The arm it judges (<see cref="StudyArm.Key"/>), or "study" for the whole.</param>
/// <param name="Name">What is measured.</param>
/// <param name="Measured">The measured value, as printed.</param>
/// <param name="Goal">The bar it must clear, as printed.</param>
/// <param name="Met">True when it clears it.</param>
public sealed record StudyTarget(string Arm, string Name, string Measured, string Goal, bool Met);
