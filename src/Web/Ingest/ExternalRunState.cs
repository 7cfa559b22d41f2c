namespace QuantScope.Web.Ingest;

/// <summary>
/// What the ingestor remembers of one external run: its layer list (name -> index) and whether it ended. The gate
/// serialises the run's batches, so two batches naming the same new layer cannot both append it.
/// </summary>
internal sealed class ExternalRunState
{
    /// <summary>One batch of this run at a time.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Set once the run was read from the store (under <see cref="Gate"/>).</summary>
    public bool Loaded { get; set; }

    /// <summary>Finished through the API: later batches get 409 even before the end reaches the store.</summary>
    public bool Finished { get; set; }

    /// <summary>The run's layer list, heatmap row order.</summary>
    public List<string> Layers { get; } = [];

    /// <summary>Index of each name in <see cref="Layers"/>.</summary>
    public Dictionary<string, int> Index { get; } = new(StringComparer.Ordinal);

    /// <summary>Appends a layer unless known; returns its index.</summary>
    public int IndexOf(string layer)
    {
        if (Index.TryGetValue(layer, out var i)) return i;
        Index[layer] = Layers.Count;
        Layers.Add(layer);
        return Layers.Count - 1;
    }
}
