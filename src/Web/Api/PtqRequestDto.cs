using System.Text.Json;

namespace QuantScope.Web.Api;

/// <summary>Body of <c>POST /api/runs/{id}/ptq</c>. Give <c>preset</c>, or <c>format</c> (with <c>groupSize</c> for INT).</summary>
/// <param name="Preset">A quantization plan preset (<c>GET /api/formats</c> lists formats; presets as in run configs).</param>
/// <param name="Format">One number format on every layer.</param>
/// <param name="GroupSize">INT group size (16..1024) for <paramref name="Format"/>.</param>
/// <param name="Activations">Quantize layer inputs too (default false: weights only).</param>
/// <param name="Checkpoint">A checkpoint step, or <c>"last"</c> (default).</param>
/// <param name="Sensitivity">Rank layers by the damage of quantizing each alone (default false).</param>
/// <param name="KeepHighPrecision">With sensitivity: how many worst layers the exported plan keeps in high precision (default 0).</param>
/// <param name="TokenCurve">Also measure every other checkpoint (degradation against tokens seen; default true).</param>
public sealed record PtqRequestDto(
    string? Preset = null,
    string? Format = null,
    int? GroupSize = null,
    bool? Activations = null,
    JsonElement? Checkpoint = null,
    bool? Sensitivity = null,
    int? KeepHighPrecision = null,
    bool? TokenCurve = null);
