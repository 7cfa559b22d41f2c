using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// Host-side identity of the sequence of amax tensors a <see cref="DelayedScalingState"/> has been updated with since it
/// was fresh (as the Python client's <c>shared.py</c> does): two states of the same recipe and format that start fresh
/// and take the same amax tensor objects in the same order hold the same history, amaxPred and scale, bit for bit, so
/// they share a lineage object. Anything else (a state loaded from a checkpoint, an amax tensor no other state saw) gives
/// a lineage of its own. Lets q/k/v and gate/up, whose input states all take their shared input's one amax tensor, know
/// on the host without reading a value that their input quantizers scale alike (<see cref="InputStats.QuantizerStats"/>).
/// </summary>
internal sealed class ScalingLineage
{
    // One fresh lineage per recipe and format: fresh states of equal recipes (records: value equality) scale alike.
    private static readonly ConcurrentDictionary<(DelayedScalingRecipe, string), ScalingLineage> FreshByRecipe = new();

    // The lineage after one more update with a given amax tensor (held weakly: a spent step's tensors go with the GC).
    private readonly ConditionalWeakTable<Tensor, ScalingLineage> _next = new();

    /// <summary>The lineage of a fresh (never updated, or reset) state of <paramref name="recipe"/> on <paramref name="format"/>.</summary>
    public static ScalingLineage Fresh(DelayedScalingRecipe recipe, string format) => FreshByRecipe.GetOrAdd((recipe, format), _ => new ScalingLineage());

    /// <summary>The lineage once updated with <paramref name="amax"/>: the same object for every state of this lineage given that tensor object.</summary>
    public ScalingLineage Next(Tensor amax) => _next.GetValue(amax, _ => new ScalingLineage());
}
