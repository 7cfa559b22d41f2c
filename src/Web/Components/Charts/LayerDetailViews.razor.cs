using System.Globalization;
using Microsoft.AspNetCore.Components;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Runs;

namespace QuantScope.Web.Components.Charts;

/// <summary>
/// The layer panel's views at one step: the magnitude histogram with the format's binades (and over steps as a ridge
/// chart), and the amax history window the delayed scale was computed from. Read from the points when the layer, role or
/// step changes (not on every live update: the step picker and its Latest button re-read).
/// </summary>
public partial class LayerDetailViews
{
    private (int Layer, string Role, int? Step, int Seen) _builtFor = (-1, "", null, -1);
    private int? _step;
    private int _shownStep;
    private MagnitudeHistogram? _histogram;
    private int _histogramIndex;
    private FormatExponentRange? _range;
    private string? _format;
    private AmaxWindow? _window;

    /// <summary>The run's layers (full module names).</summary>
    [Parameter, EditorRequired] public IReadOnlyList<string> Layers { get; set; } = [];

    /// <summary>Index of the layer shown.</summary>
    [Parameter, EditorRequired] public int LayerIndex { get; set; }

    /// <summary>The tensor role shown.</summary>
    [Parameter, EditorRequired] public string Role { get; set; } = TensorRoles.Input;

    /// <summary>Every per-layer point of the run so far.</summary>
    [Parameter, EditorRequired] public IReadOnlyList<LayerPoint> Points { get; set; } = [];

    /// <summary>The run's effective plan, or null.</summary>
    [Parameter] public EffectivePlanDto? Plan { get; set; }

    private string RangeText => _range is { } r
        ? $"Shaded: the binades {r.Format} represents (the plan's format for this {Role}), 2^{r.MinExponent} (smallest subnormal) to 2^{r.MaxExponent} (max); "
            + "bars in 'under' or 'over' fall outside it. Bars: fractions of all elements, summing to 1."
        : $"No format range drawn: the plan runs this {Role} in {_format ?? "no recorded format"} (high precision or unknown).";

    private string WindowText
    {
        get
        {
            var w = _window!;
            var text = $"amaxPred at step {w.Step}: {Num(w.AmaxPred)}; amax: {Num(w.Amax)}. From the {w.Stored} stored entries, "
                + $"{w.Settings.Algorithm} = {Num(w.FromStored)}.";
            if (w.Sparse)
                text += $" Only {w.Stored} of the {w.Expected} steps of the history are stored: the run logs every few steps, so the window "
                    + "drawn is sparser than the history the scale used (an unlogged spike can set amaxPred).";
            else if (w.Expected < w.Settings.HistoryLength)
                text += $" The history held only {w.Expected} steps yet (H = {w.Settings.HistoryLength}): it was still filling.";
            return text;
        }
    }

    /// <inheritdoc />
    protected override void OnParametersSet()
    {
        if (_builtFor.Layer == LayerIndex && _builtFor.Role == Role && _builtFor.Step == _step && _builtFor.Seen >= 0) return;
        Rebuild();
    }

    private void Rebuild()
    {
        _builtFor = (LayerIndex, Role, _step, Points.Count);
        var layer = Layers[LayerIndex];
        var entry = LayerPanelData.Entry(Plan, layer, Role);
        _format = entry?.Format;
        _range = FormatExponentRange.Of(_format);
        _histogram = MagnitudeHistogram.From(Points, LayerIndex, Role, _range);
        var amaxSteps = AmaxWindow.StepsOf(Points, Role);
        var step = _step ?? (amaxSteps.Count > 0 ? amaxSteps[^1] : _histogram?.Steps[^1] ?? 0);
        _shownStep = step;
        if (_histogram is { } h) _histogramIndex = h.IndexOf(step);
        _window = AmaxWindow.At(Points, LayerIndex, Role, step, entry);
    }

    private void OnStepPicked(ChangeEventArgs e)
    {
        if (!int.TryParse(e.Value?.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var step) || step < 0) return;
        _step = step;
        Rebuild();
    }

    private void ShowLatest()
    {
        _step = null;
        Rebuild();
    }

    private static string Num(double? value) => value is { } v ? v.ToString("G4", CultureInfo.InvariantCulture) : "not recorded";
}
