using QuantScope.Engine.Configuration;

namespace QuantScope.Engine.Training;

/// <summary>Matmul precision of a run's high-precision parts (<see cref="TrainConfig.Precision"/>).</summary>
public enum Precision
{
    /// <summary>"bf16": matmuls in bfloat16, weights kept as FP32 masters (fast on CPUs with AVX512-BF16).</summary>
    [WireName("bf16")] Bf16,
    /// <summary>"fp32": everything in float32.</summary>
    [WireName("fp32")] Fp32,
}
