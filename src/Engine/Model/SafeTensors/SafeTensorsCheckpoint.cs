using static TorchSharp.torch;

namespace QuantScope.Engine.Model.SafeTensors;

/// <summary>
/// The weights of a model folder: <c>model.safetensors</c>, or the shards listed by <c>model.safetensors.index.json</c>.
/// Every shard is memory-mapped and validated on open; each tensor name must live in exactly one shard, the one the
/// index names.
/// </summary>
public sealed class SafeTensorsCheckpoint : IDisposable
{
    /// <summary>The single-file checkpoint's name.</summary>
    public const string SingleFileName = "model.safetensors";

    private readonly List<SafeTensorsFile> _files;
    private readonly Dictionary<string, SafeTensorsFile> _owner;

    private SafeTensorsCheckpoint(List<SafeTensorsFile> files, Dictionary<string, SafeTensorsFile> owner)
    {
        _files = files;
        _owner = owner;
    }

    /// <summary>Every tensor by name.</summary>
    public IReadOnlyDictionary<string, SafeTensorInfo> Tensors => _owner.ToDictionary(p => p.Key, p => p.Value.Info(p.Key), StringComparer.Ordinal);

    /// <summary>The opened files (one, or one per shard).</summary>
    public IReadOnlyList<SafeTensorsFile> Files => _files;

    /// <summary>Opens the weights in <paramref name="folder"/>.</summary>
    /// <exception cref="SafeTensorsException">No weights, a malformed file or index, a tensor in two shards or in the wrong one.</exception>
    public static SafeTensorsCheckpoint Open(string folder)
    {
        var indexPath = Path.Combine(folder, SafeTensorsIndex.FileName);
        var singlePath = Path.Combine(folder, SingleFileName);
        if (File.Exists(indexPath)) return OpenSharded(folder, indexPath);
        if (File.Exists(singlePath))
        {
            var file = SafeTensorsFile.Open(singlePath);
            return new SafeTensorsCheckpoint([file], file.Tensors.ToDictionary(t => t.Name, _ => file, StringComparer.Ordinal));
        }

        throw new SafeTensorsException($"{folder}: no {SingleFileName} or {SafeTensorsIndex.FileName}");
    }

    private static SafeTensorsCheckpoint OpenSharded(string folder, string indexPath)
    {
        var index = SafeTensorsIndex.Parse(File.ReadAllText(indexPath), indexPath);
        var files = new List<SafeTensorsFile>();
        var owner = new Dictionary<string, SafeTensorsFile>(StringComparer.Ordinal);
        try
        {
            foreach (var shard in index.WeightMap.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                var file = SafeTensorsFile.Open(Path.Combine(folder, shard));
                files.Add(file);
                foreach (var t in file.Tensors)
                {
                    if (!owner.TryAdd(t.Name, file))
                        throw new SafeTensorsException($"tensor '{t.Name}' is in both {Path.GetFileName(owner[t.Name].Source)} and {shard}");
                    if (!index.WeightMap.TryGetValue(t.Name, out var listed))
                        throw new SafeTensorsException($"{shard}: tensor '{t.Name}' is not listed in {SafeTensorsIndex.FileName}");
                    if (listed != shard)
                        throw new SafeTensorsException($"tensor '{t.Name}' is in {shard} but {SafeTensorsIndex.FileName} says {listed}");
                }
            }

            var missing = index.WeightMap.Keys.Where(k => !owner.ContainsKey(k)).Take(5).ToArray();
            if (missing.Length > 0)
                throw new SafeTensorsException($"{SafeTensorsIndex.FileName} lists tensors its shards do not hold: {string.Join(", ", missing)}");
            return new SafeTensorsCheckpoint(files, owner);
        }
        catch
        {
            foreach (var f in files) f.Dispose();
            throw;
        }
    }

    /// <summary>Whether the checkpoint holds <paramref name="name"/>.</summary>
    public bool Contains(string name) => _owner.ContainsKey(name);

    /// <summary>The header entry of <paramref name="name"/>.</summary>
    public SafeTensorInfo Info(string name) => FileOf(name).Info(name);

    /// <summary>A new float32 CPU tensor of <paramref name="name"/>.</summary>
    public Tensor ReadTensor(string name) => FileOf(name).ReadTensor(name);

    /// <summary>Unmaps every file.</summary>
    public void Dispose()
    {
        foreach (var f in _files) f.Dispose();
    }

    private SafeTensorsFile FileOf(string name) =>
        _owner.TryGetValue(name, out var file) ? file : throw new SafeTensorsException($"no tensor '{name}' in the checkpoint");
}
