using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Numerics;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// The preset <c>nvfp4-training</c>, after NVIDIA's NVFP4 pretraining recipe (arXiv 2509.25149): NVFP4 inputs (1 × 16
/// blocks), weights with 16 × 16 tile scales (<c>nvfp4-2d</c>, <see cref="NvFp4TileFormat"/>), output gradients in
/// NVFP4 (1 × 16) with stochastic rounding, and the last 15 % of the blocks (rounded up: the last block of 4, 2 of 12)
/// kept in high precision. Not modelled: the paper's random Hadamard transform on the weight-gradient product's inputs
/// (along the token dimension, inside the backward GEMM); see <see cref="HadamardFormat"/> for the transform along the
/// features (<c>"hadamard": true</c>, <c>whatIf.nvfp4-rht.*</c>).
/// </summary>
public static class Nvfp4TrainingPlan
{
    /// <summary>The preset's name.</summary>
    public const string Name = "nvfp4-training";

    /// <summary>Share of the blocks, from the last, kept in high precision.</summary>
    public const double HighPrecisionShare = 0.15;

    /// <summary>The plan.</summary>
    public static QuantPlan Create()
    {
        var nvfp4 = FormatName.Parse("nvfp4");
        return new QuantPlan(Name,
        [
            new QuantRule { Layer = "**", Role = TensorRole.Input, Format = nvfp4, Recipe = RecipeKind.Block, SkipLastShare = HighPrecisionShare },
            new QuantRule { Layer = "**", Role = TensorRole.Weight, Format = FormatName.Parse("nvfp4-2d"), Recipe = RecipeKind.Block, SkipLastShare = HighPrecisionShare },
            new QuantRule { Layer = "**", Role = TensorRole.Grad, Format = nvfp4, Recipe = RecipeKind.Block, Rounding = RoundingMode.Stochastic, SkipLastShare = HighPrecisionShare },
        ]);
    }
}
