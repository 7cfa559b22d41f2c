using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Components;
using QuantScope.Engine.Analysis.Ptq;
using QuantScope.Engine.Quantization;
using QuantScope.Engine.Training;
using QuantScope.Web.Api;
using QuantScope.Web.Ptq;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Components.Charts;

/// <summary>
/// Post-training quantization of the run's checkpoints: pick a preset or format, start a job on the PTQ worker, and
/// show its degradation, degradation against tokens seen, the most sensitive layers and the keep-K plan. Polls the job
/// every 500 ms while it runs; the timer is disposed with the component.
/// </summary>
public partial class PtqPanel : IDisposable
{
    private IReadOnlyList<RunCheckpoint>? _checkpoints;
    private PtqJob? _job;
    private PtqJobDto? _state;
    private string? _error;
    private Timer? _poll;
    private Guid _loaded;
    private bool _loadedEnded;

    /// <summary>The run whose checkpoints are analysed.</summary>
    [Parameter, EditorRequired] public Guid RunId { get; set; }

    /// <summary>Whether the run has ended: its checkpoints are read again when it ends (a live run saves more).</summary>
    [Parameter] public bool Ended { get; set; }

    [Inject] private PtqService Ptq { get; set; } = default!;

    [Inject] private PtqJobRunner Runner { get; set; } = default!;

    /// <summary>Selected plan: a preset name or <c>format:NAME</c>.</summary>
    public string Choice { get; set; } = "format:int4";

    /// <summary>INT group size (0 = per channel).</summary>
    public int GroupSize { get; set; }

    /// <summary>Quantize activations too.</summary>
    public bool Activations { get; set; }

    /// <summary>Run the per-layer sensitivity.</summary>
    public bool Sensitivity { get; set; } = true;

    /// <summary>Layers the exported plan keeps in high precision.</summary>
    public int Keep { get; set; } = 2;

    /// <summary>The choices of the plan selector: formats first, then presets.</summary>
    public static IReadOnlyList<string> Choices { get; } =
        [.. new[] { "int8", "int4", "int2", "e4m3", "e5m2", "nvfp4", "mxfp4" }.Select(f => "format:" + f), .. QuantPlan.PresetNames];

    /// <inheritdoc />
    protected override async Task OnParametersSetAsync()
    {
        if (_loaded == RunId && _loadedEnded == Ended) return;
        (_loaded, _loadedEnded) = (RunId, Ended);
        _checkpoints = await Ptq.CheckpointsAsync(RunId, CancellationToken.None) ?? [];
    }

    /// <summary>Validates the choices and queues the job.</summary>
    public async Task StartAsync()
    {
        var format = Choice.StartsWith("format:", StringComparison.Ordinal) ? Choice["format:".Length..] : null;
        var dto = new PtqRequestDto(format is null ? Choice : null, format, format is not null && GroupSize > 0 ? GroupSize : null,
            Activations, null, Sensitivity, Sensitivity ? Keep : 0);
        var (prepared, request, _, field, error) = await Ptq.PrepareAsync(RunId, dto, CancellationToken.None);
        _error = prepared is null ? $"{field}: {error}" : null;
        if (prepared is null) return;
        _job = Runner.Enqueue(RunId, prepared, request!);
        _state = _job.ToDto();
        _poll?.Dispose();
        _poll = new Timer(_ => InvokeAsync(Poll), null, 500, 500);
    }

    private void Poll()
    {
        if (_job is null) return;
        _state = _job.ToDto();
        if (_job.Ended.Task.IsCompleted) _poll?.Dispose();
        StateHasChanged();
    }

    /// <summary>The report of the finished job, or null.</summary>
    public PtqReport? Report => _state?.Result;

    /// <summary>The exported plan as a run config's <c>quant</c> JSON.</summary>
    public string PlanJson => Report?.KeepPlan is { } p ? JsonSerializer.Serialize(p, JsonDefaults.Options) : "";

    /// <summary>A number for the tables.</summary>
    public static string N(double? value) => value is { } v ? v.ToString("G4", CultureInfo.InvariantCulture) : "–";

    /// <inheritdoc />
    public void Dispose()
    {
        _poll?.Dispose();
        GC.SuppressFinalize(this);
    }
}
