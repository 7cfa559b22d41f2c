using QuantScope.Engine.Model.SafeTensors;
using QuantScope.Engine.Quantization;
using QuantScope.Engine.Training;

namespace QuantScope.Engine.Model.Hf;

/// <summary>A run's parameter checkpoint written as a Hugging Face model folder, for hosts that hold no model of their own (the <c>hf export</c> verb).</summary>
public static class HfCheckpointExport
{
    /// <summary>
    /// Builds the engine model of <paramref name="config"/> at high precision, loads the parameter checkpoint
    /// <paramref name="checkpointFile"/> into it and writes it to <paramref name="folder"/> (config.json + safetensors);
    /// returns the files written.
    /// </summary>
    /// <param name="config">The run's model config.</param>
    /// <param name="seed">The run's seed (initial values, all overwritten by the checkpoint).</param>
    /// <param name="checkpointFile">A file written by <see cref="ParameterCheckpoint.Save"/>.</param>
    /// <param name="folder">The model folder to write (created if missing).</param>
    /// <param name="dtype">The weights' stored type.</param>
    public static IReadOnlyList<string> Save(ModelConfig config, int seed, string checkpointFile, string folder, SafeTensorDType dtype)
    {
        using var model = new LlamaForCausalLM(config, QuantPlan.HighPrecision, seed);
        ParameterCheckpoint.Load(model, checkpointFile);
        return HfModelFolder.Save(model, folder, dtype);
    }
}
