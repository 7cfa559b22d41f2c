namespace QuantScope.Engine.Data;

/// <summary>A named multiple-choice task (built-in <c>facts</c>, <c>continuation</c>, <c>reasoning</c>, or a user JSONL file).</summary>
/// <param name="Name">Task name as shown in metrics and the UI.</param>
/// <param name="Items">The questions, in a fixed order.</param>
public sealed record McTask(string Name, IReadOnlyList<McItem> Items);
