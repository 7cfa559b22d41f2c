using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;
using QuantScope.Web.Components.Charts;

namespace QuantScope.Web.Tests.Components.Charts;

public sealed class PlotFigureTests
{
    [Fact]
    public void SpecJson_Traces_WrittenByTheirOwnTypeWithPlotlyNames()
    {
        var layout = ChartStyle.Layout("Training loss", "step", "nats/token");
        var figure = new PlotFigure(
            [new Scatter { Name = "loss", Mode = ModeFlag.Lines }, new HeatMap { Transpose = true, ColorScale = "Viridis" }],
            layout, ChartStyle.ConfigFor("loss-chart"));

        var spec = JsonDocument.Parse(figure.SpecJson()).RootElement;

        var scatter = spec.GetProperty("data")[0];
        Assert.Equal("scatter", scatter.GetProperty("type").GetString());
        Assert.Equal("lines", scatter.GetProperty("mode").GetString());
        Assert.Equal("loss", scatter.GetProperty("name").GetString());
        Assert.False(scatter.TryGetProperty("x", out _), "unset members (and the columns' arrays) are left out");
        var heatmap = spec.GetProperty("data")[1];
        Assert.Equal("heatmap", heatmap.GetProperty("type").GetString());
        Assert.True(heatmap.GetProperty("transpose").GetBoolean());
        Assert.Equal("Training loss", spec.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("step", spec.GetProperty("layout").GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("keep", spec.GetProperty("layout").GetProperty("uirevision").GetString());
        Assert.False(spec.GetProperty("config").GetProperty("displaylogo").GetBoolean());
        Assert.Equal("loss-chart", spec.GetProperty("config").GetProperty("toImageButtonOptions").GetProperty("filename").GetString());
    }

    [Fact]
    public void LayoutJson_PartialLayout_HasOnlyTheMembersSet()
    {
        var shape = LiveLineChart.WindowShape(10.5, 20.5, "amax history");

        var json = JsonDocument.Parse(PlotFigure.LayoutJson(new Plotly.Blazor.Layout { Shapes = [shape] })).RootElement;

        Assert.Equal(["shapes"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("rect", json.GetProperty("shapes")[0].GetProperty("type").GetString());
        Assert.Equal(10.5, json.GetProperty("shapes")[0].GetProperty("x0").GetDouble());
    }
}
