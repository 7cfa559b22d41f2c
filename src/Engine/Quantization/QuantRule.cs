using System.Text.Json.Serialization;
using QuantScope.Engine.Configuration;
using QuantScope.Engine.Numerics;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// One rule of a <see cref="QuantPlan"/> (immutable). Matches layers by a glob over the full module name
/// (<c>*</c> = one name segment without dots, <c>**</c> = anything, <c>?</c> = one character), for one tensor role.
/// </summary>
public sealed record QuantRule
{
    /// <summary>Glob over full module names, e.g. <c>model.layers.*.mlp.down_proj</c>.</summary>
    public required string Layer { get; init; }
    /// <summary>Tensor role: <c>input</c>, <c>weight</c> or <c>grad</c>.</summary>
    [JsonConverter(typeof(WireEnumConverter<TensorRole>))]
    public required TensorRole Role { get; init; }
    /// <summary>Number format; ignored for <see cref="RecipeKind.Keep"/>.</summary>
    public FormatName Format { get; init; } = FormatName.E4M3;
    /// <summary>Recipe kind.</summary>
    public RecipeKind Recipe { get; init; } = RecipeKind.Delayed;
    /// <summary>History length, algorithm, margin and update period for delayed scaling (its Format is replaced by <see cref="Format"/>).</summary>
    public DelayedScalingRecipe Delayed { get; init; } = new();
    /// <summary>Margin for current scaling.</summary>
    public int Margin { get; init; }
    /// <summary>Only blocks with index &gt;= this match (names without <c>model.layers.N</c> then never match).</summary>
    public int SkipFirstBlocks { get; init; }
    /// <summary>Only blocks with index &lt; block count - this match.</summary>
    public int SkipLastBlocks { get; init; }
    /// <summary>
    /// Depth (blocks) from which <see cref="SkipFirstBlocks"/> and <see cref="SkipLastBlocks"/> apply in full; a shallower
    /// model skips proportionally fewer, round(skip x blocks / this), so a recipe written for a deep model still
    /// quantizes a comparable share of a small one. Null = the skips are absolute block counts.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? SkipFullFromBlocks { get; init; }

    /// <summary>The (first, last) block skips in effect on a model of <paramref name="blocks"/> blocks (see <see cref="SkipFullFromBlocks"/>).</summary>
    public (int First, int Last) SkipsFor(int blocks) => SkipFullFromBlocks is { } full && full > 0 && blocks < full
        ? (Scaled(SkipFirstBlocks, blocks, full), Scaled(SkipLastBlocks, blocks, full))
        : (SkipFirstBlocks, SkipLastBlocks);

    private static int Scaled(int skip, int blocks, int full) => (int)Math.Round((double)skip * blocks / full, MidpointRounding.AwayFromZero);

    /// <summary>Only blocks below the last ceil(share × blocks) match (0..1; <c>0.15</c> keeps the last 15 % of the blocks out); with <see cref="SkipLastBlocks"/> the larger skip wins.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public double SkipLastShare { get; init; }

    /// <summary>
    /// See the tensor through the random Hadamard transform (16 × 16 blocks along the last dim, applied and undone:
    /// the format becomes <c>FORMAT-rht</c>, <see cref="HadamardFormat"/>); default false.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Hadamard { get; init; }

    /// <summary>Rounding onto the grid: <c>nearest</c> (default) or <c>stochastic</c> (<see cref="RoundingMode"/>; not for HiF8).</summary>
    [JsonConverter(typeof(WireEnumConverter<RoundingMode>))]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public RoundingMode Rounding { get; init; }

    /// <summary>The recipe this rule builds for a tensor, or null for <see cref="RecipeKind.Keep"/>.</summary>
    public IScalingRecipe? BuildRecipe(FormatName format) => BuildFor(Hadamard && format.Format is not HadamardFormat ? FormatName.Parse(format.Name + HadamardFormat.Suffix) : format);

    private IScalingRecipe? BuildFor(FormatName format) => Recipe switch
    {
        RecipeKind.Delayed => Delayed with { Format = format, Rounding = Rounding == RoundingMode.Stochastic ? Rounding : Delayed.Rounding },
        RecipeKind.Current => new CurrentScalingRecipe { Format = format, Margin = Margin, Rounding = Rounding },
        RecipeKind.Block => new BlockScalingRecipe { Format = format, Rounding = Rounding },
        _ => null,
    };
}
