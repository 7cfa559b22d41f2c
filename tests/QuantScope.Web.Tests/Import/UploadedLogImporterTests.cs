using System.Text;
using QuantScope.Tests.Shared;
using QuantScope.Web.Import;

namespace QuantScope.Web.Tests.Import;

/// <summary>What the import page runs, on the test server's own database and repositories.</summary>
public sealed class UploadedLogImporterTests : IClassFixture<QuantScopeWebFactory>
{
    private readonly QuantScopeWebFactory _factory;

    public UploadedLogImporterTests(QuantScopeWebFactory factory) => _factory = factory;

    private UploadedLogImporter Importer() => new(
        _factory.Services.GetRequiredService<RunRepository>(), _factory.Services.GetRequiredService<MetricSeriesWriter>(),
        _factory.Services.GetRequiredService<QuantScopeDatabase>());

    private static Stream Text(string text) => new MemoryStream(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task ImportAsync_MegatronLog_StoresTheRunUnderTheFileName()
    {
        const string log = " [2024-05-01 10:00:00] iteration      120/  500000 | lm loss: 3.217812E+00 | grad norm: 0.812 |\n";

        var result = await Importer().ImportAsync([("megatron.log", Text(log))], "auto", null, null, CancellationToken.None);

        Assert.Equal("megatron", result.Format);
        Assert.Equal(["grad norm", "lm loss"], result.Metrics);
        var run = await _factory.Services.GetRequiredService<RunRepository>().GetAsync(result.RunId, CancellationToken.None);
        Assert.Equal((RunKinds.Imported, "megatron.log"), (run!.Kind, run.Name));
        var loss = await _factory.Services.GetRequiredService<MetricSeriesRepository>().ReadScalarAsync(result.RunId, "lm loss", CancellationToken.None);
        Assert.Equal([new SeriesPoint(120, 3.217812f)], loss);
    }

    [Fact]
    public async Task ImportAsync_SeveralEventFiles_OneRun()
    {
        var files = new (string, Stream)[]
        {
            ("events.out.tfevents.1.host", new MemoryStream(new TfEventsTestWriter().FileVersion().Scalars(1, ("loss", 2.5f)).ToArray())),
            ("events.out.tfevents.2.host", new MemoryStream(new TfEventsTestWriter().FileVersion().Scalars(2, ("loss", 2.25f)).ToArray())),
        };

        var result = await Importer().ImportAsync(files, "auto", "", "tb", CancellationToken.None);

        Assert.Equal(("tfevents", 2), (result.Format, result.Points));
        var loss = await _factory.Services.GetRequiredService<MetricSeriesRepository>().ReadScalarAsync(result.RunId, "loss", CancellationToken.None);
        Assert.Equal([new SeriesPoint(1, 2.5f), new SeriesPoint(2, 2.25f)], loss);
    }

    [Theory]
    [InlineData("noise only\n", "kv", "No data points found in 'train.log' (format kv).")]
    [InlineData("step,loss\n1,2\n", "auto", "Step column 'samples' is not in the CSV header; it has: step, loss.")]
    public async Task ImportAsync_Unusable_InvalidDataNamingWhy(string text, string format, string message)
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() =>
            Importer().ImportAsync([("train.log", Text(text))], format, format == "auto" ? "samples" : null, null, CancellationToken.None));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public async Task ImportAsync_NoFile_InvalidData() =>
        await Assert.ThrowsAsync<InvalidDataException>(() => Importer().ImportAsync([], "auto", null, null, CancellationToken.None));
}
