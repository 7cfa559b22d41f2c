namespace QuantScope.Data.Runs;

/// <summary>Values of <see cref="RunEntity.Kind"/>.</summary>
public static class RunKinds
{
    /// <summary>Trained by QuantScope's own engine.</summary>
    public const string Engine = "engine";
    /// <summary>An outside job streaming metrics through the hub or HTTP ingest.</summary>
    public const string External = "external";
    /// <summary>Loaded from a file.</summary>
    public const string Imported = "imported";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Engine, External, Imported };
}
