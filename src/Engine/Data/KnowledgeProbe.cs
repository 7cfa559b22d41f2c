namespace QuantScope.Engine.Data;

/// <summary>
/// A held-out statement of a fact: the model reads <paramref name="Prompt"/> and should continue with
/// <paramref name="Answer"/>. Scored teacher-forced, byte by byte, over the answer only.
/// </summary>
/// <param name="Prompt">Sentence start, ending just before the answer (usually with a space).</param>
/// <param name="Answer">The fact's value, no trailing punctuation.</param>
public sealed record KnowledgeProbe(string Prompt, string Answer);
