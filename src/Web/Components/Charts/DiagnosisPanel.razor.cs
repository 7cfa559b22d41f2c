using System.Globalization;
using Microsoft.AspNetCore.Components;
using QuantScope.Engine.Analysis.Diagnosis;
using QuantScope.Web.Analysis;
using QuantScope.Web.Api;

namespace QuantScope.Web.Components.Charts;

/// <summary>
/// The run's diagnosis: each finding with its severity, evidence and fix, then the replay table of the worst layer
/// (saturation rate against history length H, one row per amax algorithm). Loads once per run id, then every
/// <see cref="LiveInterval"/> while <see cref="Live"/> and once more when the run ends (the final diagnosis); the
/// <see cref="RefreshAsync"/> button re-reads at any time.
/// </summary>
public partial class DiagnosisPanel : IDisposable
{
    /// <summary>How often a live run is diagnosed again (each pass reads the run's series from the store).</summary>
    public static readonly TimeSpan LiveInterval = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _cts = new();
    private bool _polling;
    private IReadOnlyList<Finding>? _findings;
    private ReplayLayerDto? _worst;
    private IReadOnlyList<int> _lengths = [];
    private string? _replayNote;
    private bool _replayed; // false until the first replay came back (the section says so instead of "unavailable")
    private Guid _loaded;

    /// <summary>The run to diagnose.</summary>
    [Parameter, EditorRequired] public Guid RunId { get; set; }

    /// <summary>True while the run trains: the panel re-diagnoses periodically, and once more when it turns false.</summary>
    [Parameter] public bool Live { get; set; }

    [Inject] private RunDiagnoser Diagnoser { get; set; } = default!;

    [Inject] private RunReplayer Replayer { get; set; } = default!;

    /// <inheritdoc />
    protected override void OnParametersSet()
    {
        if (Live && !_polling) _ = PollAsync(); // fire and forget: the loop marshals its renders onto the circuit
    }

    /// <inheritdoc />
    /// <remarks>Loads after the page has rendered: the detectors read the run's series, which must not hold up the
    /// page's first paint (or its prerender) on a long run.</remarks>
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_loaded == RunId) return;
        _loaded = RunId;
        await RefreshAsync();
        StateHasChanged();
    }

    private async Task PollAsync()
    {
        _polling = true;
        try
        {
            using var timer = new PeriodicTimer(LiveInterval);
            while (Live && await timer.WaitForNextTickAsync(_cts.Token))
                await InvokeAsync(async () => { await RefreshAsync(); StateHasChanged(); });
            await InvokeAsync(async () => { await RefreshAsync(); StateHasChanged(); }); // the run ended: final diagnosis
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // the page closed
        }
        finally
        {
            _polling = false;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }

    /// <summary>Reads the findings and the default replay again.</summary>
    public async Task RefreshAsync()
    {
        _findings = await Diagnoser.DiagnoseAsync(RunId, CancellationToken.None) ?? [];
        var (replay, _, _, error) = await Replayer.ReplayAsync(RunId, new ReplayRequestDto(null, null, null, null, null, null), CancellationToken.None);
        _worst = replay?.Layers.FirstOrDefault(l => l.Layer == replay.WorstLayer);
        _lengths = _worst?.Sweep.Select(c => c.HistoryLength).Distinct().ToArray() ?? [];
        _replayNote = replay is null ? error : _worst is null ? "no layer recorded an amax" : null;
        _replayed = true;
    }

    /// <summary>CSS class of a severity badge.</summary>
    public static string SeverityClass(FindingSeverity severity) => "severity severity-" + severity.ToString().ToLowerInvariant();

    /// <summary>A rate (0..1) as a percent with one decimal, "–" when not measured.</summary>
    public static string Rate(double rate) =>
        double.IsFinite(rate) ? (rate * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "–";

    private ReplayCellDto? Cell(string algorithm, int h) =>
        _worst?.Sweep.FirstOrDefault(c => c.Algorithm == algorithm && c.HistoryLength == h);
}
