using System.Text;
using QuantScope.Engine.Model;
using static TorchSharp.torch;

namespace QuantScope.Engine.Training;

/// <summary>
/// Saves and loads a model's parameters only (by full name, float32), not its buffers: a checkpoint from a plain
/// pretraining run loads into a model with any quantization plan, whose scaling buffers differ.
/// Format: "QSCK1", count, then per parameter its name, rank, dims and values (little-endian).
/// </summary>
public static class ParameterCheckpoint
{
    private const string Magic = "QSCK1";

    /// <summary>Writes the parameters to <paramref name="path"/> (via a temp file, so a crash never leaves half a checkpoint).</summary>
    public static void Save(LlamaForCausalLM model, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        using (var writer = new BinaryWriter(File.Create(temp), Encoding.UTF8))
        {
            var parameters = model.named_parameters().ToArray();
            writer.Write(Magic);
            writer.Write(parameters.Length);
            foreach (var (name, p) in parameters)
            {
                using var scope = NewDisposeScope();
                writer.Write(name);
                writer.Write(p.shape.Length);
                foreach (var d in p.shape) writer.Write(d);
                foreach (var v in p.detach().cpu().contiguous().data<float>()) writer.Write(v);
            }
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Copies the checkpoint's parameters into <paramref name="model"/>; every name and shape must match.</summary>
    /// <exception cref="InvalidDataException">Not a checkpoint, or it belongs to a different model size.</exception>
    public static void Load(LlamaForCausalLM model, string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        if (reader.ReadString() != Magic) throw new InvalidDataException($"{path} is not a QuantScope checkpoint.");
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var count = reader.ReadInt32();
        if (count != parameters.Count) throw new InvalidDataException($"{path} holds {count} parameters; the model has {parameters.Count}.");
        using var noGrad = no_grad();
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            var shape = new long[reader.ReadInt32()];
            for (var d = 0; d < shape.Length; d++) shape[d] = reader.ReadInt64();
            if (!parameters.TryGetValue(name, out var p) || !p.shape.SequenceEqual(shape))
                throw new InvalidDataException($"{path}: parameter {name} [{string.Join(", ", shape)}] does not fit the model.");
            var values = new float[p.numel()];
            for (var j = 0; j < values.Length; j++) values[j] = reader.ReadSingle();
            using var source = tensor(values, shape);
            p.copy_(source);
        }
    }

    /// <summary>Copies every parameter of <paramref name="source"/> into <paramref name="target"/> (same size).</summary>
    public static void Copy(LlamaForCausalLM source, LlamaForCausalLM target)
    {
        using var noGrad = no_grad();
        var from = source.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in target.named_parameters()) p.copy_(from[name]);
    }
}
