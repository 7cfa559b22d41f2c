using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace QuantScope.Web.Components.Charts;

/// <summary>
/// One plotly.js chart drawn through wwwroot/js/plot.js: the figure's JSON spec and its numeric columns as one binary
/// buffer (see <see cref="PlotColumns"/>), instead of Plotly.Blazor's JSON of boxed values. Draws once after its first
/// render; afterwards the data only grows (<see cref="ExtendAsync"/>) or is replaced whole on request (<see cref="ReactAsync"/>).
/// </summary>
public partial class Plot : IAsyncDisposable
{
    private ElementReference _element;
    private IJSObjectReference? _module;
    private DotNetObjectReference<Plot>? _self;
    private bool _drawn;
    // The figure is sent ahead under this key, while the page still renders (see plot.js's stage).
    private readonly string _stageKey = Guid.NewGuid().ToString("N");
    private Task<bool> _staging = Task.FromResult(false);

    /// <summary>DOM id of the chart's element (tests, links and the page's CSS find it by this id).</summary>
    [Parameter, EditorRequired] public string Id { get; set; } = "";

    /// <summary>What to draw first (later changes go through the methods, never through this parameter).</summary>
    [Parameter, EditorRequired] public PlotFigure Figure { get; set; } = default!;

    /// <summary>
    /// Draw order of the page's first draws: a chart of higher priority is drawn first, and the others wait for it a
    /// little if its figure is still on its way (see plot.js). The run page's heatmap is 1, other charts 0.
    /// </summary>
    [Parameter] public int Priority { get; set; }

    /// <summary>Called once plotly.js has drawn the chart (pushes before that would be lost).</summary>
    [Parameter] public Action? AfterRender { get; set; }

    /// <summary>Called with the y value (a heatmap's layer name) of a clicked point; clicks are listened to only if set.</summary>
    [Parameter] public EventCallback<string> OnClick { get; set; }

    [Inject] private IJSRuntime JS { get; set; } = default!;

    [Inject] private ILogger<Plot> Log { get; set; } = default!;

    /// <summary>
    /// Starts loading plotly.js in the page, so that a page can overlap the script's
    /// download and evaluation with its own data loading, and returns the page's viewport width in CSS pixels. Never
    /// throws: a failed preload only loses the head start (and the width is null).
    /// </summary>
    public static async Task<int?> PreloadAsync(IJSRuntime js)
    {
        try
        {
            var module = await PlotModule.ImportAsync(js);
            return await module.InvokeAsync<int>("preload");
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException or TaskCanceledException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    protected override bool ShouldRender() => false;

    /// <inheritdoc />
    protected override void OnInitialized() => _staging = StageAsync();

    // Sends the figure before the element exists: the page draws it as soon as Blazor inserts the element, without
    // waiting for this component's after-render call (a round trip behind plotly.js's evaluation on a busy page).
    private async Task<bool> StageAsync()
    {
        try
        {
            var columns = Figure.Columns;
            object?[] args = [_stageKey, Figure.SpecJson(), columns?.Header(), columns?.ToBytes()];
            try
            {
                await JS.InvokeVoidAsync("quantscopePlot.stage", args);
            }
            catch (JSException)
            {
                // A page reached by in-app navigation from a page without charts: the module is not loaded yet.
                await (await PlotModule.ImportAsync(JS)).InvokeVoidAsync("stage", args);
            }
            return true;
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException or TaskCanceledException or ObjectDisposedException)
        {
            return false; // drawn the plain way after render, or the page is gone
        }
    }

    /// <inheritdoc />
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        try
        {
            var staged = await _staging;
            _module = await PlotModule.ImportAsync(JS);
            _drawn = staged && await _module.InvokeAsync<bool>("newPlotStaged", _element);
            if (!_drawn)
            {
                var columns = Figure.Columns;
                _drawn = await _module.InvokeAsync<bool>("newPlot", _element, Figure.SpecJson(), columns?.Header(), columns?.ToBytes());
            }
            if (!_drawn) return;
            if (OnClick.HasDelegate)
            {
                _self = DotNetObjectReference.Create(this);
                await _module.InvokeVoidAsync("onClick", _element, _self);
            }
            AfterRender?.Invoke();
        }
        catch (Exception ex) when (ex is JSDisconnectedException or TaskCanceledException or ObjectDisposedException)
        {
            // The page closed while the chart was being drawn.
        }
        catch (JSException ex)
        {
            Log.LogWarning(ex, "Chart {ChartId} could not be drawn", Id);
        }
    }

    /// <summary>Appends the columns to their traces (one redraw), keeping at most <paramref name="max"/> points per trace.</summary>
    public Task ExtendAsync(PlotColumns columns, int max) =>
        columns.IsEmpty ? Task.CompletedTask : CallAsync("extend", columns.Header(), columns.ToBytes(), max);

    /// <summary>Replaces the whole figure and redraws once.</summary>
    public Task ReactAsync(PlotFigure figure) =>
        CallAsync("react", figure.SpecJson(), figure.Columns?.Header(), figure.Columns?.ToBytes());

    /// <summary>Changes the layout members set in <paramref name="layout"/> (the others stay).</summary>
    public Task RelayoutAsync(Plotly.Blazor.Layout layout) => CallAsync("relayout", PlotFigure.LayoutJson(layout));

    /// <summary>Called by the page when a point is clicked.</summary>
    [JSInvokable]
    public Task OnPlotClick(string y) => InvokeAsync(() => OnClick.InvokeAsync(y));

    private async Task CallAsync(string function, params object?[] args)
    {
        if (!_drawn || _module is null) return;
        try
        {
            await _module.InvokeVoidAsync(function, [_element, .. args]);
        }
        catch (Exception ex) when (ex is JSDisconnectedException or TaskCanceledException or ObjectDisposedException)
        {
        }
        catch (JSException ex)
        {
            // One chart's failed update must not stop the page's live updates (the caller's loop would end).
            Log.LogWarning(ex, "Chart {ChartId}: {Function} failed in the page", Id, function);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _self?.Dispose();
        try
        {
            // A chart that leaves before its first draw still has its figure staged in the page: drop it.
            var module = _module ?? (await _staging ? await PlotModule.ImportAsync(JS) : null);
            if (module is not null && !_drawn) await module.InvokeVoidAsync("unstage", _stageKey);
            if (_module is not null) await _module.InvokeVoidAsync("purge", _element); // the module is the circuit's (PlotModule)
        }
        catch (Exception ex) when (ex is JSDisconnectedException or TaskCanceledException or ObjectDisposedException or JSException)
        {
        }
        GC.SuppressFinalize(this);
    }
}
