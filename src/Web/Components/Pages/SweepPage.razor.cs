using System.Globalization;
using Microsoft.AspNetCore.Components;
using QuantScope.Engine.Analysis.Laws;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Sweeps;

namespace QuantScope.Web.Components.Pages;

/// <summary>
/// One sweep: the results table (grid values, status, summary metrics), a chart of any summary metric against any swept
/// field, and a scaling-law fit drawn next to the published law. Re-reads the sweep every 2 s while it runs.
/// </summary>
public partial class SweepPage : IDisposable
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly IReadOnlyList<string> LawNames = ScalingLaws.Names;

    private readonly CancellationTokenSource _cts = new();
    private SweepDto? _sweep;
    private bool _loaded;
    private string _metric = "delta";
    private string _field = "";
    private IReadOnlyList<SweepTrace> _traces = [];
    private string _law = "chen2025-w4a4";
    private SweepFitResult? _fit;
    private IReadOnlyList<ConfigError> _fitErrors = [];
    private IReadOnlyList<SweepTrace> _fitTraces = [];
    private string _fitThird = "G";
    private int _version;

    /// <summary>The sweep's id (route).</summary>
    [Parameter, EditorRequired] public Guid Id { get; set; }

    [Inject] private SweepRepository Repository { get; set; } = default!;
    [Inject] private SweepRunner Runner { get; set; } = default!;
    [Inject] private SweepFitter Fitter { get; set; } = default!;

    private string Metric
    {
        get => _metric;
        set { _metric = value; Rebuild(); }
    }

    private string Field
    {
        get => _field;
        set { _field = value; Rebuild(); }
    }

    private string ChartKey => $"{_metric}|{_field}|{_version}";

    private string FitKey => $"{_fit?.Fit?.Law}|{_fit?.Fit?.RSquared}|{_version}";

    private string CompareLink => $"/compare?runs={string.Join(",", (_sweep?.Runs ?? []).Take(6).Select(r => r.Id))}";

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        await LoadAsync();
        _fit = Fitter.LastFit(Id);
        if (_fit?.Fit is { } fit && ScalingLaws.TryGet(fit.Law, out var law)) ShowFit(fit, law);
        _ = RefreshLoopAsync();
    }

    private async Task LoadAsync()
    {
        _sweep = await Repository.GetAsync(Id, _cts.Token);
        _loaded = true;
        if (_sweep is not null && !_sweep.Fields.Contains(_field)) _field = _sweep.Fields.FirstOrDefault() ?? "";
        Rebuild();
    }

    private async Task RefreshLoopAsync()
    {
        using var timer = new PeriodicTimer(RefreshInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_cts.Token))
            {
                if (_sweep?.Status != RunStatus.Running && _sweep?.Runs?.All(r => r.Status.HasEnded()) == true) continue;
                await LoadAsync();
                await InvokeAsync(StateHasChanged);
            }
        }
        catch (OperationCanceledException)
        {
            // The page closed.
        }
    }

    private void Rebuild()
    {
        _version++;
        _traces = _sweep is null || _field.Length == 0 ? [] : SweepCharts.MetricTraces(_sweep, _metric, _field);
    }

    private void Cancel() => Runner.Cancel(Id);

    private async Task FitAsync()
    {
        if (!ScalingLaws.TryGet(_law, out var law)) return;
        _fit = await Fitter.FitAsync(Id, law, _cts.Token);
        _fitErrors = _fit?.Errors ?? [];
        if (_fit?.Fit is { } fit) ShowFit(fit, law);
    }

    private void ShowFit(Api.LawFitResultDto fit, ScalingLaw law)
    {
        _fitThird = law.Family == LawFamily.ChenQat ? "G" : "P";
        _fitTraces = _sweep is null ? [] : SweepCharts.FitTraces(_sweep, fit, law);
        _version++;
    }

    private static string F(double? value) => value is { } v ? v.ToString("G4", Invariant) : "–";

    /// <inheritdoc />
    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }
}
