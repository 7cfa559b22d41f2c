namespace QuantScope.Engine.Model;

/// <summary>
/// Rotary frequency scaling of a Hugging Face config's <c>rope_scaling</c>: <c>linear</c> (every frequency divided by
/// <see cref="Factor"/>) or <c>llama3</c> (long wavelengths divided by the factor, short ones kept, a smooth blend
/// between). Other kinds (dynamic, yarn, longrope) are refused by name when the config is read.
/// </summary>
public sealed record RopeScalingConfig
{
    /// <summary>The kinds QuantScope implements.</summary>
    public static IReadOnlyList<string> Types { get; } = ["linear", "llama3"];

    /// <summary><c>linear</c> or <c>llama3</c>.</summary>
    public string Type { get; init; } = "linear";

    /// <summary>Context extension factor (&gt; 0).</summary>
    public double Factor { get; init; } = 1.0;

    /// <summary>llama3: wavelengths above original_max_position_embeddings / this are scaled fully.</summary>
    public double LowFreqFactor { get; init; } = 1.0;

    /// <summary>llama3: wavelengths below original_max_position_embeddings / this are kept.</summary>
    public double HighFreqFactor { get; init; } = 4.0;

    /// <summary>llama3: the context length the model was pretrained with, tokens.</summary>
    public int OriginalMaxPositionEmbeddings { get; init; } = 8192;

    /// <summary>Scales inverse frequencies (radians per token) in place, as transformers' rope init functions do.</summary>
    public void Apply(double[] inverseFrequency)
    {
        for (var i = 0; i < inverseFrequency.Length; i++)
        {
            var f = inverseFrequency[i];
            if (Type == "linear")
            {
                inverseFrequency[i] = f / Factor;
                continue;
            }

            var wavelength = 2 * Math.PI / f;
            var lowWavelength = OriginalMaxPositionEmbeddings / LowFreqFactor;
            var highWavelength = OriginalMaxPositionEmbeddings / HighFreqFactor;
            if (wavelength > lowWavelength) inverseFrequency[i] = f / Factor;
            else if (wavelength >= highWavelength)
            {
                var smooth = (OriginalMaxPositionEmbeddings / wavelength - LowFreqFactor) / (HighFreqFactor - LowFreqFactor);
                inverseFrequency[i] = (1 - smooth) * f / Factor + smooth * f;
            }
        }
    }
}
