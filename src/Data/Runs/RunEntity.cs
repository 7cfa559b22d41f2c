using QuantScope.Engine.Telemetry;

namespace QuantScope.Data.Runs;

/// <summary>A run as stored: an engine training run, an external job streaming metrics, or an imported one.</summary>
public sealed class RunEntity
{
    public Guid Id { get; set; }

    public string Name { get; set; } = "";

    /// <summary>Where the run comes from: one of <see cref="RunKinds"/>.</summary>
    public string Kind { get; set; } = RunKinds.Engine;

    /// <summary>Stored as its name (TEXT), so the database reads without the enum.</summary>
    public RunStatus Status { get; set; } = RunStatus.Pending;

    /// <summary>The config exactly as posted (JSON).</summary>
    public string ConfigJson { get; set; } = "{}";

    /// <summary>JSON array of full module layer names, the heatmap rows; <c>[]</c> until known. Read with <see cref="GetLayers"/>.</summary>
    public string LayersJson { get; set; } = RunLayers.Empty;

    /// <summary>
    /// The quantization plan the run actually used (JSON object: plan name, one entry per layer and role, warnings),
    /// as opposed to the one requested; <c>{}</c> until known.
    /// </summary>
    public string PlanJson { get; set; } = "{}";

    /// <summary>UTC.</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>UTC; set by <see cref="RunRepository.MarkRunningAsync"/>.</summary>
    public DateTime? StartedAt { get; set; }

    /// <summary>UTC; set by <see cref="RunRepository.MarkEndedAsync"/>.</summary>
    public DateTime? EndedAt { get; set; }

    /// <summary>Why the run failed or was interrupted; null otherwise.</summary>
    public string? Error { get; set; }

    /// <summary>The run's summary (a JSON object: losses, APE, saturation, forgetting, tasks) once it ended; null before.</summary>
    public string? SummaryJson { get; set; }

    /// <summary>Free-form labels (a JSON array of strings), e.g. <c>["hif8", "ablation"]</c>.</summary>
    public string TagsJson { get; set; } = "[]";

    /// <summary>The user's free-text notes on the run.</summary>
    public string Notes { get; set; } = "";

    /// <summary>Highest step persisted so far; -1 before the first flush.</summary>
    public int LastStep { get; set; } = -1;

    /// <summary>Parses <see cref="LayersJson"/> (allocates: call once per render, not per cell).</summary>
    public IReadOnlyList<string> GetLayers() => RunLayers.Parse(LayersJson);
}
