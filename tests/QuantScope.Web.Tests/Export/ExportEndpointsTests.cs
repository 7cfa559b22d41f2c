using System.Globalization;
using System.IO.Compression;
using System.Xml.Linq;
using Parquet;
using QuantScope.Data.Export;
using QuantScope.Data.Export.Heatmaps;
using SkiaSharp;

namespace QuantScope.Web.Tests.Export;

/// <summary>The export routes, each file opened and checked against the store.</summary>
public sealed class ExportEndpointsTests : IClassFixture<QuantScopeWebFactory>, IAsyncLifetime
{
    private readonly QuantScopeWebFactory _factory;
    private readonly HttpClient _client;
    private ServiceProvider _store = null!;
    private Guid _id;

    public ExportEndpointsTests(QuantScopeWebFactory factory)
    {
        _factory = factory;
        _client = factory.CreateClient(); // starts the app, which creates the database
    }

    public async Task InitializeAsync()
    {
        _store = new ServiceCollection().AddQuantScopeData(_factory.DatabasePath).BuildServiceProvider();
        _id = await ExportSeed.WriteAsync(_store.GetRequiredService<RunRepository>(), _store.GetRequiredService<MetricSeriesWriter>());
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private MetricSeriesRepository Series => _store.GetRequiredService<MetricSeriesRepository>();

    [Fact]
    public async Task HeatmapPng_HasTheRequestedSizeAndIsNotBlank()
    {
        var response = await _client.GetAsync($"/api/runs/{_id}/heatmap.png?metric=overflowFraction&role=input&width=900&height=500");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);

        using var bitmap = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.NotNull(bitmap);
        Assert.Equal((900, 500), (bitmap.Width, bitmap.Height));
        Assert.True(DistinctColours(bitmap) > 50, "a viridis heatmap with a colour bar has many colours");
    }

    [Fact]
    public async Task HeatmapPng_DefaultSize_FitsTheLayers()
    {
        var bytes = await _client.GetByteArrayAsync($"/api/runs/{_id}/heatmap.png?metric=overflowFraction");
        using var bitmap = SKBitmap.Decode(bytes);
        Assert.Equal((HeatmapImage.DefaultWidth, HeatmapImage.DefaultHeight(ExportSeed.Layers.Length)), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public async Task HeatmapSvg_ParsesAndCarriesTheTitle()
    {
        var response = await _client.GetAsync($"/api/runs/{_id}/heatmap.svg?metric=overflowFraction&role=input");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);

        var svg = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("svg", svg.Root!.Name.LocalName);
        var title = $"{ExportSeed.RunName} — overflowFraction (input)";
        Assert.Equal(title, svg.Root.Elements().First(e => e.Name.LocalName == "title").Value);
        var texts = svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim()).ToList();
        if (texts.Count > 0) // drawn text needs a font file (Debian: fonts-dejavu-core or fonts-liberation)
        {
            Assert.Contains(title, texts);
            Assert.Contains(ExportSeed.Layers[1], texts);
            Assert.Contains(MetricCatalog.UnitOf(MetricCatalog.OverflowFraction), texts);
        }
    }

    [Fact]
    public async Task HeatmapCsv_CellsEqualTheStore()
    {
        var response = await _client.GetAsync($"/api/runs/{_id}/heatmap.csv?metric=overflowFraction&role=input");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).TrimEnd('\n').Split('\n');
        var stored = await Series.ReadHeatmapAsync(_id, MetricCatalog.OverflowFraction, TensorRoles.Input, CancellationToken.None);

        Assert.Equal("layer," + string.Join(',', stored.Steps), lines[0]);
        Assert.Equal(ExportSeed.Layers.Length + 1, lines.Length);
        for (var l = 0; l < ExportSeed.Layers.Length; l++)
        {
            var cells = lines[l + 1].Split(',');
            Assert.Equal(ExportSeed.Layers[l], cells[0]);
            Assert.Equal(stored.Steps.Length + 1, cells.Length);
            for (var k = 0; k < stored.Steps.Length; k++)
            {
                var row = stored.Values[k];
                var expected = l < row.Length ? row[l] : float.NaN;
                if (float.IsNaN(expected)) Assert.Equal("", cells[k + 1]);
                else Assert.Equal(expected, float.Parse(cells[k + 1], CultureInfo.InvariantCulture));
            }
        }
        Assert.Equal("", lines[2].Split(',')[5]);                   // the NaN cell (layer 1, step 4)
        Assert.Equal("", lines[3].Split(',')[ExportSeed.Steps]);    // past the end of the last step's array
    }

    [Theory]
    [InlineData("heatmap.png?role=input", "metric")]
    [InlineData("heatmap.svg?metric=loss", "metric")]
    [InlineData("heatmap.csv?metric=overflowFraction&role=bias", "role")]
    [InlineData("heatmap.png?metric=overflowFraction&width=10", "width")]
    [InlineData("series.csv?metric=overflowFraction", "layer")]
    [InlineData("series.parquet?metric=overflowFraction&layer=nope", "layer")]
    [InlineData("series.csv", "metric")]
    public async Task BadQuery_Is400NamingTheField(string query, string field)
    {
        var response = await _client.GetAsync($"/api/runs/{_id}/{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors names '{field}'");
    }

    [Theory]
    [InlineData("heatmap.png?metric=overflowFraction")]
    [InlineData("series.csv?metric=loss")]
    [InlineData("export.zip")]
    public async Task UnknownRun_Is404(string query)
    {
        var response = await _client.GetAsync($"/api/runs/{Guid.NewGuid()}/{query}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task SeriesCsv_ScalarAndLayer_EqualTheStore()
    {
        var loss = await _client.GetStringAsync($"/api/runs/{_id}/series.csv?metric=loss");
        AssertSeriesCsv(await Series.ReadScalarAsync(_id, MetricCatalog.Loss, CancellationToken.None), loss);

        var layer = Uri.EscapeDataString(ExportSeed.Layers[2]);
        var norm = await _client.GetStringAsync($"/api/runs/{_id}/series.csv?metric=weightNorm&role=weight&layer={layer}");
        AssertSeriesCsv(await Series.ReadLayerAsync(_id, MetricCatalog.WeightNorm, TensorRoles.Weight, 2, CancellationToken.None), norm);
    }

    [Fact]
    public async Task SeriesParquet_ReadsBackAsTheStore()
    {
        var layer = Uri.EscapeDataString(ExportSeed.Layers[0]);
        var response = await _client.GetAsync($"/api/runs/{_id}/series.parquet?metric=overflowFraction&layer={layer}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (steps, values) = await ReadParquetAsync(await response.Content.ReadAsByteArrayAsync());

        var stored = await Series.ReadLayerAsync(_id, MetricCatalog.OverflowFraction, TensorRoles.Input, 0, CancellationToken.None);
        Assert.Equal(stored.Select(p => p.Step), steps);
        Assert.Equal(stored.Select(p => p.Value), values);
        Assert.Equal(ExportSeed.Steps, steps.Length);
    }

    [Fact]
    public async Task ExportZip_HoldsConfigPlanSummaryAndSeries()
    {
        var response = await _client.GetAsync($"/api/runs/{_id}/export.zip");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        var entries = ReadZip(await response.Content.ReadAsByteArrayAsync());

        Assert.Equal(
            [RunArchive.Config, RunArchive.Plan, RunArchive.Summary, RunArchive.Scalars, RunArchive.LayerValues],
            entries.Keys.ToArray());
        Assert.Equal(ExportSeed.ConfigJson, entries[RunArchive.Config]);
        Assert.Equal(ExportSeed.PlanJson, entries[RunArchive.Plan]);
        Assert.Equal(ExportSeed.SummaryJson, entries[RunArchive.Summary]);

        var scalars = entries[RunArchive.Scalars].TrimEnd('\n').Split('\n');
        Assert.Equal("step,metric,value", scalars[0]);
        Assert.Equal(
            Enumerable.Range(0, ExportSeed.Steps).Select(s => (s, "loss", ExportSeed.Loss(s))),
            scalars.Skip(1).Select(l => l.Split(',')).Select(c => (int.Parse(c[0], CultureInfo.InvariantCulture), c[1], float.Parse(c[2], CultureInfo.InvariantCulture))));

        var layers = entries[RunArchive.LayerValues].TrimEnd('\n').Split('\n');
        Assert.Equal("step,metric,role,layer,value", layers[0]);
        var rows = layers.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(2 * ExportSeed.Steps * ExportSeed.Layers.Length - 2, rows.Count); // one NaN skipped, one never stored
        Assert.DoesNotContain(rows, r => r[4] == "NaN");
        var cell = rows.Single(r => r[0] == "3" && r[1] == "overflowFraction" && r[2] == "input" && r[3] == ExportSeed.Layers[2]);
        Assert.Equal(ExportSeed.Overflow(2, 3), float.Parse(cell[4], CultureInfo.InvariantCulture));
    }

    internal static int DistinctColours(SKBitmap bitmap) =>
        bitmap.Pixels.Select(p => (uint)p).Distinct().Count();

    internal static void AssertSeriesCsv(IReadOnlyList<SeriesPoint> stored, string csv)
    {
        var lines = csv.TrimEnd('\n').Split('\n');
        Assert.Equal("step,value", lines[0]);
        Assert.Equal(
            stored.Select(p => (p.Step, p.Value)),
            lines.Skip(1).Select(l => l.Split(',')).Select(c => (int.Parse(c[0], CultureInfo.InvariantCulture), float.Parse(c[1], CultureInfo.InvariantCulture))));
        Assert.NotEmpty(stored);
    }

    internal static async Task<(int[] Steps, float[] Values)> ReadParquetAsync(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        await using var reader = await ParquetReader.CreateAsync(stream);
        Assert.Equal(["step", "value"], reader.Schema.GetDataFields().Select(f => f.Name));
        using var group = reader.OpenRowGroupReader(0);
        var steps = new int[group.RowCount];
        var values = new float[group.RowCount];
        await group.ReadAsync<int>(SeriesFiles.StepField, steps);
        await group.ReadAsync<float>(SeriesFiles.ValueField, values);
        return (steps, values);
    }

    internal static Dictionary<string, string> ReadZip(byte[] bytes)
    {
        using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
        return zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var reader = new StreamReader(e.Open());
            return reader.ReadToEnd();
        });
    }
}
