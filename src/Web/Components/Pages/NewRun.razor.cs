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
    private bool _starting;

    /// <summary>
    /// The ready examples, first the default. hif8-pangu quantizes blocks 3..N-3, so the recipe examples use the
    /// 6-layer <c>demo</c> model (the smallest preset where that range is not empty).
    /// </summary>
    public static IReadOnlyList<(string Label, string Json)> Examples { get; } =
    [
        ("demo", ExpandedDemo()),
        ("OpenPangu recipe at small scale", PanguRecipe),
        ("failure: most_recent H=1", PanguRecipe
            .Replace("\"hif8 max/64 lr 1e-5\"", "\"hif8 most_recent/1 lr 1e-5\"", StringComparison.Ordinal)
            .Replace("\"historyLength\": 64, \"algorithm\": \"max\"", "\"historyLength\": 1, \"algorithm\": \"most_recent\"", StringComparison.Ordinal)),
        ("failure: lr 1e-3", PanguRecipe
            .Replace("\"hif8 max/64 lr 1e-5\"", "\"hif8 max/64 lr 1e-3\"", StringComparison.Ordinal)
            .Replace("\"learningRate\": 1e-5", "\"learningRate\": 1e-3", StringComparison.Ordinal)),
    ];

    private static IReadOnlyList<string> ModelPresets => ModelConfig.PresetNames;

    [Inject] private RunCoordinator Coordinator { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ILogger<NewRun> Log { get; set; } = default!;

    private void OnExamplePicked(ChangeEventArgs e)
    {
        if (!int.TryParse(e.Value?.ToString(), out var index) || index < 0 || index >= Examples.Count) return;
        _example = index;
        _json = Examples[index].Json;
        _errors = [];
    }

    private async Task StartAsync()
    {
        var (config, errors) = ConfigReader.Read(_json);
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
