using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Components;
using QuantScope.Engine.Model;
using QuantScope.Engine.Training;
using QuantScope.Web.Api;
using QuantScope.Web.Runs;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Components.Pages;

/// <summary>
/// Starts a run from an experiment config typed or picked from examples. Parsing and validation are
/// <see cref="ConfigReader"/>'s (the REST API's), so the form and <c>POST /api/runs</c> accept exactly the same bodies.
/// </summary>
public partial class NewRun : IDisposable
{
    private const string PanguRecipe = """
        {
          "name": "hif8 max/64 lr 1e-5",
          "model": "demo",
          "pretrain": { "steps": 400, "learningRate": 3e-3 },
          "steps": 300,
          "learningRate": 1e-5,
          "bf16WarmupSteps": 50,
          "baseline": true,
          "quant": { "preset": "hif8-pangu", "historyLength": 64, "algorithm": "max" },
          "evalEvery": 100
        }
        """;

    private readonly CancellationTokenSource _cts = new();
    private int _example;
    private string _json = Examples[0].Json;
    private IReadOnlyList<string> _errors = [];
    private ValidTrainConfig? _valid;
    private bool _starting;
    private bool _estimating;
    private string? _estimate;
    private string? _estimateError;

    /// <summary>
    /// The ready examples, first the default. hif8-pangu quantizes blocks 3..N-3, so the recipe examples use the
    /// 6-layer <c>demo</c> model (the smallest preset where that range is not empty).
    /// </summary>
    public static IReadOnlyList<(string Label, string Json)> Examples { get; } =
    [
        ("demo", ExpandedDemo()),
        ("OpenPangu recipe at small scale", PanguRecipe),
        ("same with most_recent (failure: H=1)", PanguRecipe
            .Replace("\"hif8 max/64 lr 1e-5\"", "\"hif8 most_recent/1 lr 1e-5\"", StringComparison.Ordinal)
            .Replace("\"historyLength\": 64, \"algorithm\": \"max\"", "\"historyLength\": 1, \"algorithm\": \"most_recent\"", StringComparison.Ordinal)),
        ("same with lr 1e-3 (failure: forgetting)", PanguRecipe
            .Replace("\"hif8 max/64 lr 1e-5\"", "\"hif8 max/64 lr 1e-3\"", StringComparison.Ordinal)
            .Replace("\"learningRate\": 1e-5", "\"learningRate\": 1e-3", StringComparison.Ordinal)),
        ("W4A4 g128", PresetRun("w4a4 g128", "w4a4-g128")),
        ("W4A4 g128 + FC2 INT8", PresetRun("w4a4 g128 + fc2 int8", "w4a4-g128-fc2-int8")),
        ("TE FP8 hybrid (E4M3 forward, E5M2 gradients, max over 1024)", PresetRun("te fp8 hybrid", "fp8-hybrid-delayed")),
    ];

    private static IReadOnlyList<string> ModelPresets => ModelConfig.PresetNames;

    [Inject] private RunCoordinator Coordinator { get; set; } = default!;
    [Inject] private RunTimeProbe Probe { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ILogger<NewRun> Log { get; set; } = default!;
    [Inject] private Security.ConfigPathPolicy Paths { get; set; } = default!;

    /// <inheritdoc />
    protected override void OnInitialized() => Validate();

    private void OnExamplePicked(ChangeEventArgs e)
    {
        if (!int.TryParse(e.Value?.ToString(), out var index) || index < 0 || index >= Examples.Count) return;
        _example = index;
        _json = Examples[index].Json;
        Validate();
    }

    // Runs on every edit: the same reader and validator as POST /api/runs, so the form shows what the API would say.
    private void Validate()
    {
        var (config, errors) = ConfigReader.Read(_json, paths: Paths);
        _errors = errors.Select(e => $"{e.Field}: {e.Message}").ToList();
        _valid = config;
        _estimate = null;
    }

    private async Task EstimateAsync()
    {
        if (_valid is not { } config || _estimating) return;
        _estimating = true;
        _estimateError = null;
        try
        {
            var estimate = await Probe.EstimateAsync(config, _cts.Token); // a few real steps, on the probe's own thread
            _estimate = EstimateText(estimate);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.LogWarning(ex, "Estimating a run's time failed");
            _estimateError = $"The estimate failed: {ex.Message}";
        }
        finally
        {
            _estimating = false;
        }
    }

    /// <summary>The estimate in words: total, then what it is made of.</summary>
    public static string EstimateText(RunTimeEstimate e)
    {
        static string Span(TimeSpan t) => t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes} min {t.Seconds} s" : $"{t.TotalSeconds:F0} s";
        var pretrain = e.PretrainCached ? "; pretraining cached"
            : e.PretrainSteps > 0 ? FormattableString.Invariant($"; pretraining {e.PretrainSteps} steps × {e.PretrainStepMillis:F0} ms") : "";
        var evals = e.Evaluations > 0 ? $"; plus {e.Evaluations} evaluations" : "";
        return FormattableString.Invariant($"≈ {Span(e.Total)} on this machine ({e.Steps} steps × {e.StepMillis:F0} ms{pretrain}{evals})");
    }

    private async Task StartAsync()
    {
        var (config, errors) = ConfigReader.Read(_json, paths: Paths);
        _errors = errors.Select(e => $"{e.Field}: {e.Message}").ToList();
        if (config is null) return;

        _starting = true;
        try
        {
            var id = await Coordinator.StartAsync(config, _cts.Token);
            Navigation.NavigateTo($"/runs/{id}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.LogError(ex, "Starting a run from the form failed");
            _errors = [$"$: the run could not start: {ex.Message}"];
            _starting = false;
        }
    }

    // A QAT run of the demo model from a cached pretrain with a BF16 twin, quantized by a named plan preset.
    private static string PresetRun(string name, string preset) => $$"""
        {
          "name": "{{name}}",
          "model": "demo",
          "pretrain": { "steps": 400, "learningRate": 3e-3 },
          "steps": 300,
          "learningRate": 1e-4,
          "baseline": true,
          "quant": { "preset": "{{preset}}" },
          "evalEvery": 100,
          "checkpointEvery": 100
        }
        """;

    // The demo config written out field by field (nulls left out), so every knob is visible and editable.
    private static string ExpandedDemo()
    {
        var options = new JsonSerializerOptions(JsonDefaults.Options)
        {
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        var node = JsonSerializer.SerializeToNode(TrainConfig.Demo, options)!.AsObject();
        node["model"] = "demo"; // the preset's name reads better than its eight sizes
        return node.ToJsonString(options);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }
}
