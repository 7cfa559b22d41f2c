using System.Xml.Linq;
using QuantScope.Data.Export;
using QuantScope.Data.Export.Heatmaps;
using QuantScope.Web.Cli;
using SkiaSharp;

namespace QuantScope.Web.Tests.Export;

/// <summary>The <c>export</c> verb writes each format to a file that opens and matches the store.</summary>
public sealed class ExportCommandTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"quantscope-export-{Guid.NewGuid():N}");
    private TempQuantScopeData _data = null!;
    private Guid _id;

    public async Task InitializeAsync()
    {
        _data = await TempQuantScopeData.CreateAsync();
        _id = await ExportSeed.WriteAsync(_data.Runs, _data.Writer);
    }

    public async Task DisposeAsync()
    {
        await _data.DisposeAsync();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private async Task<(int Code, string Out, string Err, string File)> ExportAsync(string file, params string[] args)
    {
        var path = Path.Combine(_folder, file);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await QuantScopeCli.RunAsync(
            ["export", "--run", _id.ToString(), "--out", path, "--db", _data.Path, .. args], TextReader.Null, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString(), path);
    }

    [Fact]
    public async Task Png_WritesAPictureOfTheHeatmap()
    {
        var (code, stdout, stderr, file) = await ExportAsync("sub/heatmap.png", "--metric", "overflowFraction", "--role", "input", "--format", "png");
        Assert.True(code == 0, stderr);
        Assert.Equal(file, stdout.Trim());
        using var bitmap = SKBitmap.Decode(file);
        Assert.Equal((HeatmapImage.DefaultWidth, HeatmapImage.DefaultHeight(ExportSeed.Layers.Length)), (bitmap.Width, bitmap.Height));
        Assert.True(ExportEndpointsTests.DistinctColours(bitmap) > 50);
    }

    [Fact]
    public async Task Svg_WritesAParsableDocument()
    {
        var (code, _, stderr, file) = await ExportAsync("heatmap.svg", "--metric", "weightNorm", "--role", "weight", "--format", "svg");
        Assert.True(code == 0, stderr);
        var svg = XDocument.Load(file);
        Assert.Equal("svg", svg.Root!.Name.LocalName);
        Assert.Contains("weightNorm (weight)", svg.Root.Elements().First(e => e.Name.LocalName == "title").Value);
    }

    [Fact]
    public async Task Csv_PerLayerMetric_WritesTheHeatmap_ScalarMetric_WritesTheSeries()
    {
        var (code, _, stderr, file) = await ExportAsync("heatmap.csv", "--metric", "overflowFraction", "--format", "csv");
        Assert.True(code == 0, stderr);
        var lines = await File.ReadAllLinesAsync(file);
        Assert.Equal("layer," + string.Join(',', Enumerable.Range(0, ExportSeed.Steps)), lines[0]);
        Assert.Equal(ExportSeed.Layers.Length + 1, lines.Length);

        (code, _, stderr, file) = await ExportAsync("loss.csv", "--metric", "loss", "--format", "csv");
        Assert.True(code == 0, stderr);
        ExportEndpointsTests.AssertSeriesCsv(
            await _data.Series.ReadScalarAsync(_id, MetricCatalog.Loss, CancellationToken.None), await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task Parquet_WritesTheLayerSeries()
    {
        var (code, _, stderr, file) = await ExportAsync(
            "norm.parquet", "--metric", "weightNorm", "--role", "weight", "--layer", ExportSeed.Layers[1], "--format", "parquet");
        Assert.True(code == 0, stderr);
        var (steps, values) = await ExportEndpointsTests.ReadParquetAsync(await File.ReadAllBytesAsync(file));
        var stored = await _data.Series.ReadLayerAsync(_id, MetricCatalog.WeightNorm, TensorRoles.Weight, 1, CancellationToken.None);
        Assert.Equal(stored.Select(p => p.Step), steps);
        Assert.Equal(stored.Select(p => p.Value), values);
    }

    [Fact]
    public async Task Zip_NeedsNoMetric()
    {
        var (code, _, stderr, file) = await ExportAsync("run.zip", "--format", "zip");
        Assert.True(code == 0, stderr);
        var entries = ExportEndpointsTests.ReadZip(await File.ReadAllBytesAsync(file));
        Assert.Equal(ExportSeed.ConfigJson, entries[RunArchive.Config]);
        Assert.Equal(ExportSeed.PlanJson, entries[RunArchive.Plan]);
        Assert.Contains(RunArchive.LayerValues, entries.Keys);
    }

    [Fact]
    public async Task BadInput_NamesTheOption()
    {
        var (code, _, stderr, file) = await ExportAsync("x.png", "--metric", "loss", "--format", "png");
        Assert.Equal(QuantScopeCli.UsageError, code);
        Assert.StartsWith("--metric:", stderr);
        Assert.False(File.Exists(file));

        (code, _, stderr, _) = await ExportAsync("x.parquet", "--metric", "overflowFraction", "--format", "parquet");
        Assert.Equal((QuantScopeCli.UsageError, true), (code, stderr.StartsWith("--layer:", StringComparison.Ordinal)));

        (code, _, stderr, _) = await ExportAsync("x.png", "--metric", "overflowFraction", "--format", "gif");
        Assert.Equal(QuantScopeCli.UsageError, code);
    }

    [Fact]
    public async Task UnknownRun_ExitsWithOne()
    {
        var stderr = new StringWriter();
        var code = await QuantScopeCli.RunAsync(
            ["export", "--run", Guid.NewGuid().ToString(), "--format", "zip", "--out", Path.Combine(_folder, "x.zip"), "--db", _data.Path],
            TextReader.Null, new StringWriter(), stderr);
        Assert.Equal(ExportCommand.RunNotFound, code);
        Assert.StartsWith("--run:", stderr.ToString());
    }
}
