using System.Text.Json;
using System.Text.Json.Serialization;
using Plotly.Blazor;

namespace QuantScope.Web.Components.Charts;

/// <summary>
/// What a <see cref="Plot"/> draws: the traces' styles and small data (Plotly.Blazor's typed trace, layout and config
/// classes, serialized by their own attribute names), and the big numeric arrays as <see cref="Columns"/>.
/// </summary>
public sealed record PlotFigure(IReadOnlyList<ITrace> Traces, Plotly.Blazor.Layout Layout, Config Config, PlotColumns? Columns = null)
{
    private static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The figure without its columns as plotly.js JSON: <c>{"data": [...], "layout": {...}, "config": {...}}</c>.</summary>
    public string SpecJson() => JsonSerializer.Serialize(new
    {
        // Each trace by its runtime type: serialized as ITrace, only the interface's members would be written.
        data = Traces.Select(t => JsonSerializer.SerializeToElement(t, t.GetType(), Options)).ToList(),
        layout = JsonSerializer.SerializeToElement(Layout, Options),
        config = JsonSerializer.SerializeToElement(Config, Options),
    }, Options);

    /// <summary>A partial layout (only the members set) as JSON, for a relayout.</summary>
    public static string LayoutJson(Plotly.Blazor.Layout layout) => JsonSerializer.Serialize(layout, Options);
}
