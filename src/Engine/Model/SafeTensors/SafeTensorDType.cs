namespace QuantScope.Engine.Model.SafeTensors;

/// <summary>The element types QuantScope reads and writes; every other safetensors dtype is refused by name.</summary>
public enum SafeTensorDType
{
    /// <summary>IEEE float32, 4 bytes little-endian.</summary>
    F32,

    /// <summary>IEEE float16 (1 sign, 5 exponent, 10 mantissa bits), 2 bytes little-endian.</summary>
    F16,

    /// <summary>bfloat16 (the top 16 bits of a float32), 2 bytes little-endian.</summary>
    BF16,
}
