using System.Text;
using QuantScope.Engine.Training;
using QuantScope.Web.Api;
using QuantScope.Data.Import;
using QuantScope.Web.Ingest;
using QuantScope.Tests.Shared;
using Xunit.Abstractions;

namespace QuantScope.Web.Tests.Fuzz;

/// <summary>
/// A fuzz pass per parser (<see cref="FuzzRunner.Iterations"/> generated inputs each, fixed seed): every input is
/// parsed or refused with the parser's documented error (config and ingest: field errors; importers:
/// <see cref="InvalidDataException"/> or skipped parts), never another exception, never a hang.
/// </summary>
public sealed class ParserFuzzTests(ITestOutputHelper output)
{
    private static readonly string DataFolder = Path.Combine(Path.GetTempPath(), "quantscope-fuzz-data");

    [Fact]
    public void ConfigReader_GeneratedConfigs_ParsedOrFieldErrors()
    {
        var seeds = new[]
        {
            "{}",
            JsonSerializer.Serialize(TrainConfig.Demo, JsonDefaults.Options),
            JsonSerializer.Serialize(TrainConfig.Tiny with { CheckpointEvery = 5, Baseline = true }, JsonDefaults.Options),
            """{"name":"t","model":"tiny","steps":12,"batchSize":2,"seqLen":16,"learningRate":0.003,"logEvery":1}""",
            """{"model":{"layers":1,"dModel":32,"heads":2,"ffnDim":64,"contextLength":32},"init":{"kind":"hf","path":"../../etc"},"tasks":["../../etc/passwd"]}""",
        }.Select(Encoding.UTF8.GetBytes).ToArray();
        Report("config", FuzzRunner.Run("config", seeds, input =>
        {
            var (config, errors) = ConfigReader.Read(Encoding.UTF8.GetString(input), DataFolder);
            Assert.True(config is null != (errors.Count == 0), "exactly one of config and errors is set");
            Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Field) || string.IsNullOrWhiteSpace(e.Message)));
            return config is not null;
        }));
    }

    [Fact]
    public void MetricColumnsReader_GeneratedBatches_ParsedOrFieldErrors()
    {
        var seeds = new[]
        {
            """{"steps":[1,1,2],"names":["loss","amax","loss"],"values":[2.5,4,"NaN"],"layers":[null,"model.layers.0.mlp.down_proj",null],"roles":[null,"weight",null]}""",
            """{"steps":[0],"names":["lr"],"values":[null]}""",
            """{"steps":[3,4],"names":["overflowFraction","overflowFraction"],"values":["Infinity","-Infinity"],"layers":["l0","l1"]}""",
        }.Select(Encoding.UTF8.GetBytes).ToArray();
        Report("ingest", FuzzRunner.Run("ingest", seeds, input =>
        {
            MetricColumnsDto? dto;
            try
            {
                dto = JsonSerializer.Deserialize<MetricColumnsDto>(input, JsonDefaults.Options); // what the endpoint does
            }
            catch (JsonException)
            {
                return false; // the endpoint's 400 "the body is not valid JSON"
            }
            var (points, errors) = MetricColumnsReader.Read(dto);
            Assert.True(points is null != (errors.Count == 0), "exactly one of points and errors is set");
            Assert.True(errors.Count <= MetricColumnsReader.MaxErrors);
            if (points is not null) Assert.All(points, p => Assert.True(p.Step >= 0 && p.Name.Length > 0));
            return points is not null;
        }));
    }

    [Theory]
    [InlineData(ImportFormats.Csv)]
    [InlineData(ImportFormats.Jsonl)]
    [InlineData(ImportFormats.Kv)]
    [InlineData(ImportFormats.Megatron)]
    [InlineData(ImportFormats.NvInspect)]
    [InlineData(ImportFormats.TfEvents)]
    [InlineData(ImportFormats.Auto)]
    public void LogImporter_GeneratedFiles_ReadOrInvalidDataException(string format)
    {
        var seeds = format == ImportFormats.Auto ? ImportSeeds.All : ImportSeeds.For(format);
        var wrap = format == ImportFormats.TfEvents; // half the inputs: a mutated record with valid CRCs, to reach the event decoder
        var flip = 0;
        Report(format, FuzzRunner.Run("import-" + format, seeds, input =>
        {
            if (wrap && flip++ % 2 == 1) input = new TfEventsTestWriter().FileVersion().Append(input).ToArray();
            try
            {
                using var stream = new MemoryStream(input, writable: false);
                var (resolved, series) = LogImporter.Read(stream, format, "../../etc/" + format + ".log", CancellationToken.None);
                Assert.Contains(resolved, ImportFormats.Concrete);
                Assert.True(series.PointCount >= 0);
                return true;
            }
            catch (InvalidDataException ex)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                return false;
            }
        }));
    }

    [Fact]
    public void LogImporter_GeneratedFolders_ReadOrInvalidDataException()
    {
        var neighbour = ImportSeeds.For(ImportFormats.TfEvents)[0];
        Report("import-folder", FuzzRunner.Run("import-folder", ImportSeeds.Folder, input =>
        {
            var cut = Array.IndexOf(input, (byte)'\n');
            var path = cut < 0 ? "" : Encoding.UTF8.GetString(input, 0, cut);
            var content = cut < 0 ? input : input[(cut + 1)..];
            var files = new (string, Func<Stream>)[]
            {
                ("exp1/events.out.tfevents.1714557600.node01.1.0", () => new MemoryStream(neighbour, writable: false)),
                (path, () => new MemoryStream(content, writable: false)),
            };
            try
            {
                var (resolved, series) = LogImporter.ReadFolder(files, ImportFormats.Auto, null, CancellationToken.None);
                Assert.Equal(ImportFormats.TfEvents, resolved);
                Assert.True(series.PointCount > 0); // the valid neighbour always counts
                return true;
            }
            catch (InvalidDataException ex)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                return false;
            }
        }));
    }

    private void Report(string parser, (int Accepted, int Refused) counts) =>
        output.WriteLine($"fuzz {parser}: {counts.Accepted + counts.Refused} inputs, {counts.Accepted} parsed, {counts.Refused} refused with the documented error, 0 crashes, 0 hangs");
}
