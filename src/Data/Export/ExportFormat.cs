namespace QuantScope.Data.Export;

/// <summary>The file formats a run's data can be exported to.</summary>
public enum ExportFormat
{
    /// <summary>A heatmap image, PNG.</summary>
    Png,
    /// <summary>A heatmap image, SVG.</summary>
    Svg,
    /// <summary>Comma-separated values: a heatmap (per-layer metric, no layer) or one series.</summary>
    Csv,
    /// <summary>One series as Apache Parquet (columns <c>step</c> int32, <c>value</c> float).</summary>
    Parquet,
    /// <summary>A whole run: config, effective plan, summary and every series, zipped.</summary>
    Zip,
}
