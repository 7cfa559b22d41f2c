using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;

namespace QuantScope.Web.Components.Charts;

/// <summary>The look shared by every chart.</summary>
public static class ChartStyle
{
    /// <summary>Plotly config: responsive, no logo.</summary>
    public static Config Config => new() { Responsive = true, DisplayLogo = false };

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
