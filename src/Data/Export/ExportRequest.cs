namespace QuantScope.Data.Export;

/// <summary>
/// One export of one run. <see cref="Metric"/> is required except for <see cref="ExportFormat.Zip"/>;
/// <see cref="Role"/> defaults to input; <see cref="Layer"/> picks one layer's series of a per-layer metric;
/// <see cref="Width"/> and <see cref="Height"/> (pixels) apply to pictures.
/// </summary>
public sealed record ExportRequest(
    Guid RunId, ExportFormat Format, string? Metric = null, string? Role = null, string? Layer = null, int? Width = null, int? Height = null);
