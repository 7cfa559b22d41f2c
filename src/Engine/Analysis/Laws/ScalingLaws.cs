namespace QuantScope.Engine.Analysis.Laws;

/// <summary>The built-in laws with their published constants, looked up by name (case-insensitive).</summary>
public static class ScalingLaws
{
    private const string Chen = "Chen et al. 2025, QAT scaling law";
    private const string Kumar = "Kumar et al. 2024, Scaling Laws for Precision (post-training quantization)";

    /// <summary>Every built-in law, in display order.</summary>
    public static IReadOnlyList<ScalingLaw> All { get; } =
    [
        // Constants (k, gN, gD, gG) as published for each quantization setting.
        new("chen2025-w4a4", LawFamily.ChenQat, [0.1582, 0.2186, 0.0745, 0.7779], $"{Chen}, W4A4"),
        new("chen2025-w4a16", LawFamily.ChenQat, [0.2522, 0.3589, 0.1610, 0.3533], $"{Chen}, W4A16"),
        new("chen2025-w16a4", LawFamily.ChenQat, [0.1004, 0.1816, 0.0331, 0.9812], $"{Chen}, W16A4"),
        new("chen2025-w4a4-fc2int8", LawFamily.ChenQat, [0.3519, 0.2637, 0.0964, 0.3407], $"{Chen}, W4A4 with the FC2 input in INT8"),
        new("chen2025-w16a4-fc2int8", LawFamily.ChenQat, [0.1273, 0.2347, 0.0827, 0.4491], $"{Chen}, W16A4 with the FC2 input in INT8"),
        // Constants (C_T, gD, gN, g_post).
        new("kumar2024-ptq", LawFamily.KumarPtq, [0.0598, 0.5068, 0.3439, 0.5907], Kumar),
    ];

    /// <summary>The built-in names.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(l => l.Name).ToArray();

    /// <summary>Finds a built-in law by name, ignoring case.</summary>
    public static bool TryGet(string name, out ScalingLaw law)
    {
        law = All.FirstOrDefault(l => string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase))!;
        return law is not null;
    }
}
