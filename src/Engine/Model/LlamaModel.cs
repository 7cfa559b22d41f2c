using QuantScope.Engine.Quantization;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace QuantScope.Engine.Model;

/// <summary>The decoder stack (<c>model</c>): <c>embed_tokens</c>, <c>layers.N</c>, final <c>norm</c>, and the rotary tables.</summary>
public sealed class LlamaModel : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "embed_tokens")]
    private readonly Embedding _embedTokens;
    [ComponentName(Name = "layers")]
    private readonly ModuleList<LlamaDecoderLayer> _layers;
    [ComponentName(Name = "norm")]
    private readonly RmsNorm _norm;
    [ComponentName(Name = "rotary_emb")]
    private readonly RotaryEmbedding _rotaryEmb;

    /// <summary>Creates the stack for <paramref name="config"/> on <paramref name="device"/> (null = CPU), unquantized (a plan configures its projections).</summary>
    public LlamaModel(string name, ModelConfig config, Device? device = null) : base(name)
    {
        Config = config;
        _embedTokens = nn.Embedding(config.VocabSize, config.DModel, device: device);
        _layers = nn.ModuleList(Enumerable.Range(0, config.Layers)
            .Select(i => new LlamaDecoderLayer(i.ToString(System.Globalization.CultureInfo.InvariantCulture), config, device))
            .ToArray());
        _norm = new RmsNorm("norm", config.DModel, config.NormEps, device);
        _rotaryEmb = new RotaryEmbedding("rotary_emb", config.HeadDim(), config.ContextLength, config.RopeTheta, config.RopeScaling, device);
        register_module("embed_tokens", _embedTokens);
        register_module("layers", _layers);
        register_module("norm", _norm);
        register_module("rotary_emb", _rotaryEmb);
    }

    /// <summary>The decoder blocks in order.</summary>
    public IReadOnlyList<LlamaDecoderLayer> Layers => _layers.ToArray();

    /// <summary>The embedding matrix [vocab, D] (also lm_head's weight when embeddings are tied).</summary>
    internal Parameter EmbedWeight => _embedTokens.weight!;

    /// <summary>The size this stack was built for.</summary>
    public ModelConfig Config { get; }

    /// <summary>tokens [B, T] int64 -> hidden states [B, T, D] after the final norm. T must not exceed the context length.</summary>
    public override Tensor forward(Tensor tokens)
    {
        var length = tokens.shape[1];
        var (cos, sin) = _rotaryEmb.Slice(length); // [T, h] each
        using (cos)
        using (sin)
        {
            var h = _embedTokens.forward(tokens); // [B, T] -> [B, T, D]
            foreach (var layer in _layers)
            {
                var next = layer.forward(h, cos, sin);
                h.Dispose();
                h = next;
            }

            using (h)
            {
                return _norm.forward(h);
            }
        }
    }
}
