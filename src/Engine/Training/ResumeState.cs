using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using QuantScope.Engine.Model;

namespace QuantScope.Engine.Training;

/// <summary>
/// Everything a run needs to continue exactly after <c>step</c> main steps, in one file (<c>step-N.resume</c>):
/// header (magic, config hash, step), then per model (the run, then its twin if any) every parameter and persistent
/// buffer (amax histories, scales, amaxPred) bit for bit, each delayed-scaling state's update count, the FC2 top-channel
/// buffers, the dropout generator and the stochastic-rounding generators (files written before those, <c>QSRS1</c>, have
/// none: their generators restart from the seed), then that model's AdamW state; then the saturation-event window and the summary
/// accumulators; then <see cref="Trailer"/>. The data position is the step itself: the sampler replays that many draws.
/// Written through a temp file and a move, so a kill mid-save leaves the previous state intact.
/// </summary>
internal static class ResumeState
{
    public const string Magic = "QSRS2";

    /// <summary>The format before the stochastic-rounding generators were saved: still read.</summary>
    private const string MagicWithoutRounding = "QSRS1";

    /// <summary>The last bytes of every complete file: a file without them was cut short.</summary>
    public static readonly byte[] Trailer = "QSRSEND\n"u8.ToArray();

    // stats.grad and stats.histogramEvery joined the config later: each is left out of the hash while it has its default
    // (grad on, histograms every 10 steps), so the hashes (and the resumability) of configs written before them stay as
    // they were; any other value changes the hash.
    private static readonly JsonSerializerOptions HashJson = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver { Modifiers = { OmitDefaultGrad } },
    };

    private static void OmitDefaultGrad(System.Text.Json.Serialization.Metadata.JsonTypeInfo info)
    {
        if (info.Type == typeof(QuantConfig))
        {
            foreach (var property in info.Properties)
                if (property.Name == "calibrateInWarmup") property.ShouldSerialize = (_, value) => value is true; // added later: off keeps old hashes
            return;
        }

        if (info.Type != typeof(StatsConfig)) return;
        foreach (var property in info.Properties)
            if (property.Name == "grad") property.ShouldSerialize = (_, value) => value is false;
            else if (property.Name == "histogramEvery") property.ShouldSerialize = (_, value) => value is not StatsDefaults.HistogramEvery;
    }

    /// <summary>
    /// SHA-256 (hex) of the config as JSON, without its display name and device (renaming a run does not change what it
    /// trains, and a run checkpointed on one device may resume on another).
    /// Any other change (steps, LR, plan, seed, model, data) changes the hash and a resume refuses it.
    /// </summary>
    public static string ConfigHash(TrainConfig config) =>
        Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(config with { Name = "", Device = null }, HashJson)));

    public static void Save(string path, string configHash, int step, ResumeParts parts)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        using (var stream = File.Create(temp))
        using (var writer = new BinaryWriter(stream, Encoding.UTF8))
        {
            writer.Write(Magic);
            writer.Write(configHash);
            writer.Write(step);
            WriteModel(writer, parts.Model);
            parts.Optimizer.SaveState(writer);
            writer.Write(parts.Twin is not null);
            if (parts.Twin is not null)
            {
                WriteModel(writer, parts.Twin);
                parts.TwinOptimizer!.SaveState(writer);
            }

            parts.Factory.WriteState(writer);
            parts.Summary.WriteState(writer);
            writer.Write(Trailer);
            writer.Flush();
            stream.Flush(flushToDisk: true); // durable before the move makes it the latest state
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The header of a state file: its config hash and step.</summary>
    /// <exception cref="ResumeCheckpointException">Missing, not a resume state, or cut short.</exception>
    public static (string ConfigHash, int Step) ReadHeader(string path)
    {
        if (!File.Exists(path)) throw new ResumeCheckpointException(path, "file", "does not exist.");
        try
        {
            using var stream = File.OpenRead(path);
            if (stream.Length < Trailer.Length) throw new ResumeCheckpointException(path, "file", "is cut short (a save was interrupted?).");
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            if (reader.ReadString() is not (Magic or MagicWithoutRounding)) throw new ResumeCheckpointException(path, "magic", "is not a QuantScope resume state.");
            var header = (reader.ReadString(), reader.ReadInt32());
            stream.Seek(-Trailer.Length, SeekOrigin.End);
            if (!reader.ReadBytes(Trailer.Length).SequenceEqual(Trailer)) throw new ResumeCheckpointException(path, "file", "is cut short (a save was interrupted?).");
            return header;
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or DecoderFallbackException)
        {
            throw new ResumeCheckpointException(path, "header", $"cannot be read ({ex.Message}).", ex);
        }
    }

    /// <summary>Loads the state into freshly built parts (same config and model).</summary>
    /// <exception cref="ResumeCheckpointException">Missing, corrupt, another config (hash), another step, or another model.</exception>
    public static void Load(string path, string configHash, int step, ResumeParts parts)
    {
        var (hash, saved) = ReadHeader(path);
        if (hash != configHash)
            throw new ResumeCheckpointException(path, "configHash", $"is {hash[..12]}…, but this run's config hashes to {configHash[..12]}…: the config changed since the checkpoint, so resuming would not continue the same run.");
        if (saved != step) throw new ResumeCheckpointException(path, "step", $"is {saved}, not the requested {step}.");

        var section = "header";
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            var rounding = reader.ReadString() == Magic;
            reader.ReadString();
            reader.ReadInt32();
            section = "model";
            ReadModel(reader, parts.Model, path, step, rounding);
            section = "optimizer";
            parts.Optimizer.LoadState(reader);
            section = "twin";
            if (reader.ReadBoolean() != parts.Twin is not null)
                throw new ResumeCheckpointException(path, "twin", "presence differs from the config's baseline setting.");
            if (parts.Twin is not null)
            {
                ReadModel(reader, parts.Twin, path, step, rounding);
                section = "twin optimizer";
                parts.TwinOptimizer!.LoadState(reader);
            }

            section = "saturation history";
            parts.Factory.ReadState(reader);
            section = "summary";
            parts.Summary.ReadState(reader);
            section = "trailer";
            if (!reader.ReadBytes(Trailer.Length).SequenceEqual(Trailer)) throw new InvalidDataException("is not where the file should end");
        }
        catch (ResumeCheckpointException)
        {
            throw;
        }
        catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException or IOException or ArgumentException or DecoderFallbackException
            or InvalidOperationException or IndexOutOfRangeException or KeyNotFoundException or FormatException)
        {
            throw new ResumeCheckpointException(path, section, $"is corrupt ({ex.Message}).", ex);
        }
    }

    private static void WriteModel(BinaryWriter writer, LlamaForCausalLM model)
    {
        var tensors = Tensors(model).OrderBy(t => t.Key, StringComparer.Ordinal).ToArray();
        writer.Write(tensors.Length);
        foreach (var (name, t) in tensors)
        {
            writer.Write(name);
            ResumeFormat.WriteTensor(writer, t);
        }

        var counters = ScalingStates(model).ToArray();
        writer.Write(counters.Length);
        foreach (var (name, state) in counters)
        {
            writer.Write(name);
            writer.Write(state.Updates);
        }

        // Not buffers, but read by every logged step until the next stats step refreshes them.
        var tops = model.QuantizedLayers.Where(l => l.Layer.Probe.TopChannels is not null).ToArray();
        writer.Write(tops.Length);
        foreach (var (name, layer) in tops)
        {
            writer.Write(name);
            ResumeFormat.WriteTensor(writer, layer.Probe.TopChannels!);
        }

        writer.Write(model.Dropout is not null);
        if (model.Dropout is { } dropout)
        {
            using var state = dropout.GetState();
            ResumeFormat.WriteTensor(writer, state);
        }

        var generators = RoundingGenerators(model).ToArray();
        writer.Write(generators.Length);
        foreach (var (name, layer, role) in generators)
        {
            writer.Write(name);
            using var state = layer.RoundingGenerators[role]!.get_state();
            ResumeFormat.WriteTensor(writer, state);
        }
    }

    private static void ReadModel(BinaryReader reader, LlamaForCausalLM model, string path, int step, bool rounding)
    {
        var tensors = Tensors(model);
        var count = ResumeFormat.ReadCount(reader, "model tensors");
        if (count != tensors.Count) throw new ResumeCheckpointException(path, "model", $"holds {count} tensors; this model has {tensors.Count}.");
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            if (!tensors.TryGetValue(name, out var target)) throw new ResumeCheckpointException(path, name, "is not a parameter or buffer of this model.");
            Field(path, name, () => ResumeFormat.ReadTensorInto(reader, target));
        }

        var states = ScalingStates(model).ToDictionary(s => s.Name, s => s.State);
        count = ResumeFormat.ReadCount(reader, "scaling states");
        if (count != states.Count) throw new ResumeCheckpointException(path, "scaling states", $"number {count}; this model has {states.Count}.");
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            if (!states.TryGetValue(name, out var state)) throw new ResumeCheckpointException(path, name, "is not a delayed-scaling state of this model.");
            Field(path, name, () => state.RestoreUpdates(reader.ReadInt32()));
        }

        var layers = model.QuantizedLayers.ToDictionary(l => l.Name, l => l.Layer);
        count = ResumeFormat.ReadCount(reader, "top channels");
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            if (!layers.TryGetValue(name, out var layer) || layer.Probe.TopChannels is null)
                throw new ResumeCheckpointException(path, name, "tracks no top channels in this model.");
            Field(path, name + " top channels", () => ResumeFormat.ReadTensorInto(reader, layer.Probe.TopChannels));
        }

        if (reader.ReadBoolean() != model.Dropout is not null) throw new ResumeCheckpointException(path, "dropout", "presence differs from the config's.");
        if (model.Dropout is { } dropout)
        {
            using var state = ResumeFormat.ReadTensor(reader);
            dropout.Restore(state, step); // a state from the other device kind reseeds (see SeededDropout.Restore)
        }

        if (!rounding) return; // an older file: the generators go on from their seeds
        var generators = RoundingGenerators(model).ToDictionary(g => g.Name, g => (g.Layer, g.Role), StringComparer.Ordinal);
        count = ResumeFormat.ReadCount(reader, "rounding generators");
        if (count != generators.Count) throw new ResumeCheckpointException(path, "rounding generators", $"number {count}; this model has {generators.Count}.");
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            if (!generators.TryGetValue(name, out var g)) throw new ResumeCheckpointException(path, name, "is not a stochastic-rounding generator of this model.");
            using var state = ResumeFormat.ReadTensor(reader);
            Field(path, name, () => g.Layer.RestoreRounding(g.Role, state, step)); // the other device kind reseeds
        }
    }

    // Every stochastic-rounding generator, named LAYER.rounding.ROLE (the stats row's role name).
    private static IEnumerable<(string Name, Quantization.QuantLinear Layer, int Role)> RoundingGenerators(LlamaForCausalLM model)
    {
        foreach (var (name, layer) in model.QuantizedLayers)
            for (var role = 0; role < layer.RoundingGenerators.Count; role++)
                if (layer.RoundingGenerators[role] is not null) yield return ($"{name}.rounding.{Quantization.LayerStatsLayout.Roles[role]}", layer, role);
    }

    private static void Field(string path, string field, Action read)
    {
        try
        {
            read();
        }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentException)
        {
            throw new ResumeCheckpointException(path, field, ex.Message + ".", ex);
        }
    }

    private static IEnumerable<(string Name, Quantization.DelayedScalingState State)> ScalingStates(LlamaForCausalLM model)
    {
        foreach (var (name, layer) in model.QuantizedLayers)
        {
            if (layer.InputScaling is { } input) yield return (name + ".input_scaling", input);
            if (layer.WeightScaling is { } weight) yield return (name + ".weight_scaling", weight);
            if (layer.GradOutputScaling is { } grad) yield return (name + ".grad_scaling", grad);
            foreach (var (shadow, state) in layer.Probe.GradShadowStates) yield return (name + "." + shadow, state);
        }
    }

    // The model's parameters and buffers, and the buffers of the watched gradients' shadow scaling states (stats.grad:
    // not part of the model, but the what-if statistics after a resume must match a straight run's).
    private static Dictionary<string, TorchSharp.torch.Tensor> Tensors(LlamaForCausalLM model)
    {
        var tensors = new Dictionary<string, TorchSharp.torch.Tensor>(model.state_dict(), StringComparer.Ordinal);
        foreach (var (name, layer) in model.QuantizedLayers)
            foreach (var (shadow, state) in layer.Probe.GradShadowStates)
                foreach (var (buffer, t) in state.named_buffers())
                    tensors[name + "." + shadow + "." + buffer] = t;
        return tensors;
    }
}
