namespace QuantScope.Engine.Analysis.Ptq;

/// <summary>Outlier metrics of one quantized layer of a checkpoint (the PTQ-sensitivity study's set).</summary>
/// <param name="Layer">Full module name.</param>
/// <param name="NormGainSpread">max |g| / median |g| of the RMSNorm feeding the layer (input_layernorm for q/k/v,
/// post_attention_layernorm for gate/up); null for o_proj and down_proj, which no norm feeds directly.</param>
/// <param name="WeightKurtosis">Pearson kurtosis of the weight's elements (3 for a Gaussian).</param>
/// <param name="SpectralNorm">Largest singular value of the weight, by power iteration.</param>
/// <param name="ActivationStd">Standard deviation of the layer's input on the calibration batch (unquantized model).</param>
public sealed record LayerOutliers(string Layer, double? NormGainSpread, double WeightKurtosis, double SpectralNorm, double ActivationStd);
