using System.Text.RegularExpressions;
using QuantScope.Tests.Shared;

namespace QuantScope.Engine.Tests.Hygiene;

/// <summary>
/// The device rule, checked on the sources of everything a training step runs (quantizers, layers, the model, the
/// optimizer, the stats window): no host read (<c>.item</c>, <c>.data</c>, <c>.cpu()</c>, <c>ToSingle()</c>...), no
/// host-to-device copy of a new tensor (<c>tensor(...)</c>), no op whose output size depends on the data
/// (<c>bincount</c>, <c>nonzero</c>, <c>masked_select</c>: a sync on CUDA). The few allowed sites say why on the same
/// line: <c>SYNC POINT</c> (the window's one copy, inspection-only members), <c>build time</c>, <c>once per device</c>,
/// <c>host API</c>. On CUDA each other such call would stall the GPU once per layer and step.
/// </summary>
public sealed partial class HostSyncTests
{
    private static readonly string[] StepSources =
    [
        "src/Engine/Quantization", "src/Engine/Numerics", "src/Engine/Model/LlamaForCausalLM.cs", "src/Engine/Model/LlamaModel.cs",
        "src/Engine/Model/LlamaDecoderLayer.cs", "src/Engine/Model/LlamaAttention.cs", "src/Engine/Model/LlamaMlp.cs",
        "src/Engine/Model/RmsNorm.cs", "src/Engine/Model/RotaryEmbedding.cs", "src/Engine/Model/SeededDropout.cs",
        "src/Engine/Training/ModelTrainer.cs", "src/Engine/Training/Trainer.cs", "src/Engine/Training/StatsWindow.cs",
        "src/Engine/Devices",
    ];

    private static readonly string[] Reasons = ["SYNC POINT", "build time", "once per device", "host API"];

    [Fact]
    public void StepSources_NoHostSyncOutsideTheMarkedSites()
    {
        var unmarked = new List<string>();
        var marked = new List<string>();
        foreach (var file in Files())
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var code = Code(lines[i]);
                if (!HostSync().IsMatch(code)) continue;
                var site = $"{Path.GetRelativePath(RepoPaths.Root, file)}:{i + 1}: {lines[i].Trim()}";
                var reasoned = Reasons.Any(r => lines[i].Contains(r, StringComparison.Ordinal) || (i > 0 && lines[i - 1].TrimStart().StartsWith("//", StringComparison.Ordinal) && lines[i - 1].Contains(r, StringComparison.Ordinal)));
                (reasoned ? marked : unmarked).Add(site);
            }
        }

        Assert.True(unmarked.Count == 0, "host syncs in step code (mark a legitimate one with its reason):\n" + string.Join('\n', unmarked));
        // The window's single device->host copy is one of the marked sites: the rule has something to hold on to.
        Assert.Contains(marked, s => s.Contains("StatsWindow.cs", StringComparison.Ordinal) && s.Contains(".cpu()", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("var v = loss.item<float>();", true)]
    [InlineData("var h = t.cpu().data<double>();", true)]
    [InlineData("var n = count.ToInt64();", true)]
    [InlineData("var b = tensor(values, device: x.device);", true)]
    [InlineData("var c = bins.bincount(null, 8);", true)]
    [InlineData("var i = mask.nonzero();", true)]
    [InlineData("var q = full(Array.Empty<long>(), n, device: x.device); // not tensor(value)", false)]
    [InlineData("var s = zeros_like(x); // .cpu() would sync", false)]
    [InlineData("/// <summary>Copies with .cpu() once.</summary>", false)]
    public void HostSync_Pattern_FindsCallsNotComments(string line, bool found) =>
        Assert.Equal(found, HostSync().IsMatch(Code(line)));

    private static IEnumerable<string> Files() => StepSources.SelectMany(p =>
    {
        var path = RepoPaths.Under(p);
        return Directory.Exists(path) ? Directory.EnumerateFiles(path, "*.cs", SearchOption.AllDirectories) : [path];
    });

    // The code part of a line: comments (// and ///) removed, so a comment may name the calls it avoids.
    private static string Code(string line)
    {
        var comment = line.IndexOf("//", StringComparison.Ordinal);
        return comment < 0 ? line : line[..comment];
    }

    [GeneratedRegex(@"\.item<|\.data<|\.cpu\(\)|\.ToSingle\(\)|\.ToDouble\(\)|\.ToInt64\(\)|\.ToInt32\(\)|\.ToBoolean\(\)|(?<![\w.])tensor\(|bincount\(|\.nonzero\(|masked_select\(")]
    private static partial Regex HostSync();
}
