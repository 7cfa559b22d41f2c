namespace QuantScope.Engine.Data;

/// <summary>One multiple-choice question scored by log-likelihood of each choice after the context.</summary>
/// <param name="Context">The text the choices continue (never empty).</param>
/// <param name="Choices">At least two non-empty continuations, usually starting with a space.</param>
/// <param name="Gold">Index of the correct choice in <paramref name="Choices"/>.</param>
public sealed record McItem(string Context, IReadOnlyList<string> Choices, int Gold);
