using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;
using QuantScope.Engine.Numerics;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// Mixed precision as data (immutable): an ordered list of <see cref="QuantRule"/>s mapping layer-name globs and tensor
/// roles to a format and recipe. For each (layer, role) the first matching rule wins; no match = high precision.
/// Named presets: <see cref="PresetNames"/>.
/// </summary>
/// <param name="Name">Preset or display name.</param>
/// <param name="Rules">Rules in priority order.</param>
public sealed partial record QuantPlan(string Name, IReadOnlyList<QuantRule> Rules)
{
    /// <summary>Format shown for a high-precision role (the engine computes in float32).</summary>
    public const string HighPrecisionFormat = "fp32";

    /// <summary>Recipe shown for a high-precision role.</summary>
    public const string HighPrecisionRecipe = "high precision";

    /// <summary>No rules: everything high precision (the <c>quantize: false</c> run).</summary>
    public static QuantPlan HighPrecision { get; } = new("high-precision", []);

    /// <summary>The preset names, in display order.</summary>
    public static IReadOnlyList<string> PresetNames { get; } =
    [
        "fp8-delayed", "fp8-hybrid-delayed", "fp8-e4m3-current", "hif8-pangu",
        "w4a4-g128", "w4a4-g128-fc2-int8", "mxfp8", "mxfp4", "nvfp4", Nvfp4TrainingPlan.Name,
    ];

    /// <summary>Every layer's input and weight with one delayed-scaling recipe (what <c>quantize</c> + <c>recipe</c> mean).</summary>
    public static QuantPlan FromRecipe(DelayedScalingRecipe recipe, string name = "custom") => new(name,
    [
        new QuantRule { Layer = "**", Role = TensorRole.Input, Format = recipe.Format, Delayed = recipe },
        new QuantRule { Layer = "**", Role = TensorRole.Weight, Format = recipe.Format, Delayed = recipe },
    ]);

    /// <summary>Finds a preset by name (case-insensitive).</summary>
    public static bool TryGetPreset(string name, [MaybeNullWhen(false)] out QuantPlan plan)
    {
        plan = name.ToLowerInvariant() switch
        {
            "fp8-delayed" => FromRecipe(new DelayedScalingRecipe(), "fp8-delayed"),
            "fp8-hybrid-delayed" => Hybrid(),
            "fp8-e4m3-current" => Both("fp8-e4m3-current", "**", FormatName.E4M3, RecipeKind.Current),
            "hif8-pangu" => HiF8Pangu(),
            "w4a4-g128" => Both("w4a4-g128", "**", FormatName.Parse("int4-g128"), RecipeKind.Block),
            "w4a4-g128-fc2-int8" => new("w4a4-g128-fc2-int8",
            [
                new QuantRule { Layer = "model.layers.*.mlp.down_proj", Role = TensorRole.Input, Format = FormatName.Parse("int8-pt"), Recipe = RecipeKind.Current },
                .. Both("", "**", FormatName.Parse("int4-g128"), RecipeKind.Block).Rules,
            ]),
            "mxfp8" => Both("mxfp8", "**", FormatName.Mxfp8E4M3, RecipeKind.Block),
            "mxfp4" => Both("mxfp4", "**", FormatName.Parse("mxfp4"), RecipeKind.Block),
            "nvfp4" => Both("nvfp4", "**", FormatName.Parse("nvfp4"), RecipeKind.Block),
            Nvfp4TrainingPlan.Name => Nvfp4TrainingPlan.Create(),
            _ => null,
        };
        return plan is not null;
    }

    /// <summary>Like <see cref="TryGetPreset"/> but throws.</summary>
    /// <exception cref="ArgumentException">Unknown preset.</exception>
    public static QuantPlan Preset(string name) =>
        TryGetPreset(name, out var p) ? p : throw new ArgumentException($"Unknown quantization plan '{name}'.", nameof(name));

    /// <summary>Resolves the plan against layer names (no layer widths: no block-size checks).</summary>
    public ResolvedPlan Resolve(IReadOnlyList<string> layerNames) => Resolve(layerNames, null);

    /// <summary>
    /// Resolves the plan: input and weight entries for every layer (first matching rule wins), grad entries
    /// where a rule asks, warnings for rules that matched nothing. When a block or group size does not divide the
    /// dimension the blocks run along, INT groups fall back to per-channel and MX/NVFP4 to high precision, with a note
    /// and a warning (never an exception).
    /// </summary>
    /// <param name="layerNames">Full module names in layer order.</param>
    /// <param name="blockDim">Length of the last dimension of a (layer, role) tensor, the one blocks run along
    /// (in-features for input and weight, out-features for grad), or null to skip the divisibility check.</param>
    public ResolvedPlan Resolve(IReadOnlyList<string> layerNames, Func<string, TensorRole, long>? blockDim)
    {
        var blocks = layerNames.Select(BlockIndex).Where(i => i >= 0).DefaultIfEmpty(-1).Max() + 1;
        var regexes = Rules.Select(r => GlobToRegex(r.Layer)).ToArray();
        var used = new bool[Rules.Count];
        var entries = new List<ResolvedEntry>();
        var warnings = new List<string>();

        foreach (var role in new[] { TensorRole.Input, TensorRole.Weight, TensorRole.Grad })
        {
            foreach (var layer in layerNames)
            {
                var index = FirstMatch(layer, role, regexes, blocks);
                if (index < 0)
                {
                    if (role != TensorRole.Grad) entries.Add(new ResolvedEntry(layer, role, null, null));
                    continue;
                }

                used[index] = true;
                var rule = Rules[index];
                var recipe = rule.BuildRecipe(rule.Format);
                string? note = null;
                if (recipe is { } requested && blockDim is not null)
                    (recipe, note) = CheckBlocks(requested, blockDim(layer, role), role == TensorRole.Grad ? "out-features" : "in-features");
                if (note is not null) warnings.Add($"{layer} {role.ToWire()}: {note}");
                entries.Add(new ResolvedEntry(layer, role, recipe, note));
            }
        }

        for (var i = 0; i < Rules.Count; i++)
            if (!used[i])
                warnings.Insert(0, $"rule {i + 1} ({Rules[i].Layer}, {Rules[i].Role.ToWire()}) matched no layer");

        // Order: per layer, its roles (input, weight, grad), following layerNames.
        var order = layerNames.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i);
        var sorted = entries.OrderBy(e => order.GetValueOrDefault(e.Layer)).ThenBy(e => e.Role).ToArray();
        return new ResolvedPlan(sorted, warnings);
    }

    private int FirstMatch(string layer, TensorRole role, Regex[] regexes, int blocks)
    {
        var block = BlockIndex(layer);
        for (var i = 0; i < Rules.Count; i++)
        {
            var r = Rules[i];
            if (r.Role != role || !regexes[i].IsMatch(layer)) continue;
            var (first, last) = r.SkipsFor(blocks);
            var skipLast = Math.Max(last, (int)Math.Ceiling(r.SkipLastShare * blocks - 1e-9)); // share: of the blocks
            if (r.SkipFirstBlocks > 0 || r.SkipLastBlocks > 0 || skipLast > 0)
            {
                if (block < 0 || block < first || block >= blocks - skipLast) continue;
            }

            return i;
        }

        return -1;
    }

    private static (IScalingRecipe? Recipe, string? Note) CheckBlocks(IScalingRecipe recipe, long width, string dim)
    {
        switch (recipe.Format.Format)
        {
            case IntFormat { Granularity: IntGranularity.PerGroup } f when width % f.GroupSize != 0:
                var fallback = new BlockScalingRecipe { Format = FormatName.Parse($"int{f.Bits}") };
                return (fallback, $"group size {f.GroupSize} does not divide {dim} {width}: fell back to int{f.Bits} per channel");
            case MxFormat m when width % m.BlockSize != 0:
                return (null, $"block size {m.BlockSize} does not divide {dim} {width}: fell back to high precision");
            case NvFp4Format or NvFp4TileFormat or HadamardFormat when width % NvFp4Format.BlockSize != 0:
                return (null, $"block size {NvFp4Format.BlockSize} does not divide {dim} {width}: fell back to high precision");
            case HadamardFormat h when h.Inner is MxFormat or IntFormat { Granularity: IntGranularity.PerGroup }:
                return CheckBlocks(new BlockScalingRecipe { Format = FormatName.Parse(h.Inner.Name) }, width, dim) is (null, var note) ? (null, note) : (recipe, null);
            default:
                return (recipe, null);
        }
    }

    /// <summary>Block index N of a name containing <c>layers.N.</c>, or -1.</summary>
    public static int BlockIndex(string layer)
    {
        var m = BlockRegex().Match(layer);
        return m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
    }

    /// <summary>Glob to anchored regex: <c>**</c> any text, <c>*</c> any text without dots, <c>?</c> one character.</summary>
    public static Regex GlobToRegex(string glob)
    {
        var parts = new System.Text.StringBuilder("^");
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*') { parts.Append(".*"); i++; }
            else if (c == '*') parts.Append("[^.]*");
            else if (c == '?') parts.Append('.');
            else parts.Append(Regex.Escape(c.ToString()));
        }

        return new Regex(parts.Append('$').ToString(), RegexOptions.CultureInvariant);
    }

    [GeneratedRegex(@"(?:^|\.)layers\.(\d+)\.")]
    private static partial Regex BlockRegex();

    private static QuantPlan Both(string name, string glob, FormatName format, RecipeKind kind) => new(name,
    [
        new QuantRule { Layer = glob, Role = TensorRole.Input, Format = format, Recipe = kind },
        new QuantRule { Layer = glob, Role = TensorRole.Weight, Format = format, Recipe = kind },
    ]);

    private static QuantPlan Hybrid()
    {
        var h1024 = new DelayedScalingRecipe { AmaxHistoryLength = 1024, AmaxComputeAlgo = AmaxAlgorithm.Max };
        return new("fp8-hybrid-delayed",
        [
            new QuantRule { Layer = "**", Role = TensorRole.Input, Format = FormatName.E4M3, Delayed = h1024 },
            new QuantRule { Layer = "**", Role = TensorRole.Weight, Format = FormatName.E4M3, Delayed = h1024 },
            new QuantRule { Layer = "**", Role = TensorRole.Grad, Format = FormatName.E5M2, Delayed = h1024 },
        ]);
    }

    /// <summary>Blocks of openPangu-Embedded-1B: from this depth hif8-pangu skips its first 3 and last 2 blocks in full.</summary>
    public const int PanguBlocks = 26;

    /// <summary>
    /// HiF8 W, A and G on the MLP projections, delayed max over 64 steps, all blocks but the first 3 and last 2 of a
    /// 26-block model; shallower models skip proportionally fewer (6 blocks: the first only), so the demo model
    /// quantizes 5 of its 6 MLPs instead of 1.
    /// </summary>
    private static QuantPlan HiF8Pangu()
    {
        var h64 = new DelayedScalingRecipe { Format = FormatName.HiF8, AmaxHistoryLength = 64, AmaxComputeAlgo = AmaxAlgorithm.Max };
        QuantRule Rule(TensorRole role) => new()
        {
            Layer = "model.layers.*.mlp.*_proj", Role = role, Format = FormatName.HiF8, Delayed = h64,
            SkipFirstBlocks = 3, SkipLastBlocks = 2, SkipFullFromBlocks = PanguBlocks,
        };
        return new("hif8-pangu", [Rule(TensorRole.Input), Rule(TensorRole.Weight), Rule(TensorRole.Grad)]);
    }
}
