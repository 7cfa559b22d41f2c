namespace QuantScope.Engine.Model.SafeTensors;

/// <summary>Names and sizes of <see cref="SafeTensorDType"/> as safetensors headers spell them.</summary>
public static class SafeTensorDTypes
{
    // Valid safetensors dtypes we do not load: refused with "not supported" rather than "unknown".
    private static readonly HashSet<string> KnownUnsupported = new(StringComparer.Ordinal)
    {
        "F64", "I64", "U64", "I32", "U32", "I16", "U16", "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "C64",
    };

    /// <summary>Bytes per element.</summary>
    public static int ByteSize(SafeTensorDType dtype) => dtype == SafeTensorDType.F32 ? 4 : 2;

    /// <summary>The header spelling (<c>F32</c>, <c>F16</c>, <c>BF16</c>).</summary>
    public static string Name(SafeTensorDType dtype) => dtype.ToString();

    /// <summary>Parses a header dtype.</summary>
    /// <exception cref="SafeTensorsException">The dtype is unknown, or known but not F32/F16/BF16; the message names it.</exception>
    public static SafeTensorDType Parse(string name, string tensor) => name switch
    {
        "F32" => SafeTensorDType.F32,
        "F16" => SafeTensorDType.F16,
        "BF16" => SafeTensorDType.BF16,
        _ when KnownUnsupported.Contains(name) => throw new SafeTensorsException($"tensor '{tensor}': dtype {name} is not supported (F32, F16 or BF16 only)"),
        _ => throw new SafeTensorsException($"tensor '{tensor}': unknown dtype '{Truncate(name)}'"),
    };

    internal static string Truncate(string s) => s.Length <= 64 ? s : s[..64] + "…";
}
