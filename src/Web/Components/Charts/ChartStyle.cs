using Plotly.Blazor;
using Plotly.Blazor.ConfigLib;
using Plotly.Blazor.LayoutLib;

namespace QuantScope.Web.Components.Charts;

/// <summary>The look shared by every chart.</summary>
public static class ChartStyle
{
    /// <summary>
    /// Plotly config: responsive, no logo, the modebar (its camera button downloads a PNG) shown while the pointer is on
    /// the chart or a keyboard focus is in it (app.css): always shown, it covered the titles of the half-width charts.
    /// </summary>
    public static Config Config => ConfigFor("quantscope-chart");

    /// <summary>The config of one chart: its modebar PNG download is named after the chart.</summary>
    public static Config ConfigFor(string fileName) => new()
    {
        Responsive = true,
        DisplayLogo = false,
        DisplayModeBar = DisplayModeBarEnum.Hover,
        ToImageButtonOptions = new { format = "png", filename = fileName, scale = 2 },
    };

    /// <summary>A layout with a title and axis titles.</summary>
    public static Plotly.Blazor.Layout Layout(string title, string xTitle, string yTitle, int height = 320) => new()
    {
        Title = new Title { Text = title },
        Height = height,
        Margin = new Margin { L = 60, R = 20, T = 40, B = 45 },
        XAxis = [new XAxis { Title = new Plotly.Blazor.LayoutLib.XAxisLib.Title { Text = xTitle } }],
        YAxis = [new YAxis { Title = new Plotly.Blazor.LayoutLib.YAxisLib.Title { Text = yTitle } }],
        // Keeps zoom and pan when data is appended.
        UiRevision = "keep",
    };
}
