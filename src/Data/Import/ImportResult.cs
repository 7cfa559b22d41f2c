namespace QuantScope.Data.Import;

/// <summary>
/// What an import stored: the new run, how many points (scalar points plus per-layer points, one per metric, role
/// and step) and which metric names. <see cref="Skipped"/> names each part of the file left out and why
/// (<c>line 7: ...</c>, <c>record at offset 120: ...</c>); <see cref="Notes"/> what the reader assumed (the row number
/// as the step of a file without a step column, ...). The CLI's <c>--json</c> line and the upload's answer.
/// </summary>
public sealed record ImportResult(
    Guid RunId, int Points, IReadOnlyList<string> Metrics, IReadOnlyList<string> Skipped, string Format, int Layers,
    IReadOnlyList<string> Notes);
