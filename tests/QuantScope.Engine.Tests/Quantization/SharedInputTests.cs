using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization;

/// <summary>
/// q/k/v and gate/up take their input's own statistics from one <see cref="SharedInput"/>: every recorded value equals,
/// bit for bit, what each layer computes alone.
/// </summary>
public sealed class SharedInputTests
{
    [Theory]
    [InlineData("fp8-delayed")]
    [InlineData("mxfp8")]
    public void SharedInputStatistics_EqualPerLayerOnes_BitForBit(string plan)
    {
        using var shared = Model(plan);
        using var alone = Model(plan);
        foreach (var (_, layer) in alone.QuantizedLayers) layer.SharedInput = null;
        Assert.Equal(5 * ModelConfig.Tiny.Layers, shared.QuantizedLayers.Count(l => l.Layer.SharedInput is not null)); // q, k, v, gate, up

        for (var step = 0; step < 3; step++)
        {
            foreach (var model in new[] { shared, alone })
            {
                foreach (var (_, layer) in model.QuantizedLayers) layer.Probe.SplitError = step == 1;
                using var scope = NewDisposeScope();
                using var generator = new Generator((ulong)(7 + step), CPU);
                var tokens = randint(0, 256, [2, 12], generator: generator);
                var logits = model.forward(tokens);
                logits.pow(2).mean().backward();
                foreach (var (_, layer) in model.QuantizedLayers) layer.Probe.RecordGradNorm();
            }

            foreach (var ((name, a), (_, b)) in shared.QuantizedLayers.Zip(alone.QuantizedLayers))
            {
                Assert.Equal(Bits(b.Probe.RawStats), Bits(a.Probe.RawStats));
                Assert.Equal(Bits(b.Probe.WhatIf!), Bits(a.Probe.WhatIf!));
                if (name.EndsWith("down_proj", StringComparison.Ordinal)) Assert.Equal(Bits(b.Probe.TopChannels!), Bits(a.Probe.TopChannels!));
            }
        }
    }

    [Fact]
    public void Of_TheTensorBeingRead_UntilDisposed()
    {
        using var x = randn(4, 8);
        using var other = x.clone();
        var share = new SharedInput();
        Assert.Null(share.Of(x));
        using (share.Read(x))
        {
            var stats = share.Of(x);
            Assert.NotNull(stats);
            Assert.Null(share.Of(other));
            Assert.Same(stats.Amax, share.Of(x)!.Amax); // computed once
            using var amax = ScaleMath.Amax(x);
            Assert.Equal(Bits(amax), Bits(stats.Amax));
        }

        Assert.Null(share.Of(x));
    }

    private static LlamaForCausalLM Model(string plan)
    {
        var model = new LlamaForCausalLM(ModelConfig.Tiny, QuantPlan.Preset(plan), seed: 3);
        NumberFormats.TryGet("mxfp4", out var mxfp4);
        IReadOnlyList<INumberFormat> whatIf = [FloatFormat.E5M2, mxfp4!];
        foreach (var (name, layer) in model.QuantizedLayers)
        {
            layer.Probe.WhatIfFormats = whatIf; // one list for every layer, as the trainer does
            layer.Probe.ObserveGrad = true;
            if (name.EndsWith("down_proj", StringComparison.Ordinal)) layer.Probe.TopChannelCount = 3;
        }

        return model;
    }

    private static long[] Bits(Tensor t)
    {
        using var host = t.cpu().to(ScalarType.Float64);
        return host.data<double>().ToArray().Select(BitConverter.DoubleToInt64Bits).ToArray();
    }
}
