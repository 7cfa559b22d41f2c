using QuantScope.Tests.Shared;
using System.Net.Http.Headers;
using System.Text;

namespace QuantScope.Web.Tests.Import;

/// <summary><c>POST /api/import</c> on the test server, read back through the app's own repositories.</summary>
public sealed class ImportEndpointsTests : IClassFixture<QuantScopeWebFactory>
{
    private readonly QuantScopeWebFactory _factory;

    public ImportEndpointsTests(QuantScopeWebFactory factory) => _factory = factory;

    [Fact]
    public async Task Post_MultipartFile_CreatesExternalRunAndAnswersTheResult()
    {
        using var client = _factory.CreateClient();
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes("step=1 loss=2.5 tokens=1.05M\nstep=2 loss=2.25 tokens=2.1M\n"));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        form.Add(file, "file", "train.log");

        using var response = await client.PostAsync("/api/import?name=uploaded", form);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(4, result.GetProperty("points").GetInt32());
        Assert.Equal(["loss", "tokens"], result.GetProperty("metrics").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("kv", result.GetProperty("format").GetString());
        Assert.Empty(result.GetProperty("skipped").EnumerateArray());

        var id = result.GetProperty("runId").GetGuid();
        var run = await _factory.Services.GetRequiredService<RunRepository>().GetAsync(id, CancellationToken.None);
        Assert.NotNull(run);
        Assert.Equal((RunKinds.Imported, "uploaded"), (run.Kind, run.Name));
        var tokens = await _factory.Services.GetRequiredService<MetricSeriesRepository>().ReadScalarAsync(id, "tokens", CancellationToken.None);
        Assert.Equal([new SeriesPoint(1, 1050000f), new SeriesPoint(2, 2100000f)], tokens);
    }

    [Fact]
    public async Task Post_RawBodyWithFormat_ImportsCsvAndReportsSkippedRows()
    {
        using var client = _factory.CreateClient();
        using var body = new StringContent("step,loss\n1,2.5\nzz,1\n", Encoding.UTF8, "text/csv");

        using var response = await client.PostAsync("/api/import?format=csv", body);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, result.GetProperty("points").GetInt32());
        Assert.StartsWith("line 3: step 'zz'", result.GetProperty("skipped")[0].GetString());
        var run = await _factory.Services.GetRequiredService<RunRepository>().GetAsync(result.GetProperty("runId").GetGuid(), CancellationToken.None);
        Assert.Equal("upload", run!.Name);
    }

    [Fact]
    public async Task Post_Unrecognisable_BadRequest()
    {
        using var client = _factory.CreateClient();
        using var body = new StringContent("just some words\n", Encoding.UTF8, "text/plain");

        using var response = await client.PostAsync("/api/import", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Cannot tell the format", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(201)]
    [InlineData(-1)]
    public async Task Post_NameTooLongOrWithAControlCharacter_400NamingIt(int length)
    {
        using var client = _factory.CreateClient();
        var name = length > 0 ? new string('n', length) : "bell%07name";
        using var body = new StringContent("step,loss\n1,2.5\n", Encoding.UTF8, "text/csv");

        using var response = await client.PostAsync($"/api/import?format=csv&name={name}", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("name", out _));
    }

    [Fact]
    public async Task Post_MegatronLogWithStepColumn_BadRequestNamingTheFormats()
    {
        using var client = _factory.CreateClient();
        using var body = new StringContent(" iteration      1/  10 | lm loss: 3.2 |\n", Encoding.UTF8, "text/plain");

        using var response = await client.PostAsync("/api/import?stepColumn=samples", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("can be named for csv, jsonl, kv logs only", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Post_JsonLinesWithStepColumnAndBareNaN_ImportsAtThatStep()
    {
        using var client = _factory.CreateClient();
        using var body = new StringContent("{\"_step\": 0, \"samples\": 256, \"loss\": NaN}\n{\"_step\": 1, \"samples\": 512, \"loss\": 2.5}\n", Encoding.UTF8, "application/x-ndjson");

        using var response = await client.PostAsync("/api/import?stepColumn=samples", body);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("jsonl", result.GetProperty("format").GetString());
        var loss = await _factory.Services.GetRequiredService<MetricSeriesRepository>().ReadScalarAsync(
            result.GetProperty("runId").GetGuid(), "loss", CancellationToken.None);
        Assert.Equal(2, loss.Count);
        Assert.Equal(256, loss[0].Step);
        Assert.True(float.IsNaN(loss[0].Value));
        Assert.Equal(new SeriesPoint(512, 2.5f), loss[1]);
    }

    [Fact]
    public async Task Post_SeveralFiles_OneRunFromTheFolderOfTensorBoardRuns()
    {
        using var client = _factory.CreateClient();
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(new TfEventsTestWriter().FileVersion().Scalars(7, ("epoch_loss", 0.49f)).ToArray()),
            "files", "logs/train/events.out.tfevents.1714557600.host.v2");
        form.Add(new ByteArrayContent(new TfEventsTestWriter().FileVersion().Scalars(7, ("epoch_loss", 0.33f)).ToArray()),
            "files", "logs/validation/events.out.tfevents.1714557601.host.v2");
        form.Add(new ByteArrayContent("lr: 3e-4\n"u8.ToArray()), "files", "logs/hparams.yaml");

        using var response = await client.PostAsync("/api/import", form);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["train/epoch_loss", "validation/epoch_loss"], result.GetProperty("metrics").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(["left out 1 files that are not TensorBoard event files"], result.GetProperty("notes").EnumerateArray().Select(m => m.GetString()));
        var run = await _factory.Services.GetRequiredService<RunRepository>().GetAsync(result.GetProperty("runId").GetGuid(), CancellationToken.None);
        Assert.Equal("logs", run!.Name);
    }

    [Fact]
    public async Task Post_SeveralFilesWithoutEvents_BadRequest()
    {
        using var client = _factory.CreateClient();
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent("step,loss\n1,2\n"u8.ToArray()), "files", "a.csv");
        form.Add(new ByteArrayContent("step,loss\n1,2\n"u8.ToArray()), "files", "b.csv");

        using var response = await client.PostAsync("/api/import", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("No TensorBoard event files", await response.Content.ReadAsStringAsync());
    }
}
