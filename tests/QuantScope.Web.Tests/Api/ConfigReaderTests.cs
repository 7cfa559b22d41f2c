using System.Text;
using Microsoft.AspNetCore.Http;
using QuantScope.Engine.Training;
using QuantScope.Web.Api;

namespace QuantScope.Web.Tests.Api;

public sealed class ConfigReaderTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Read_EmptyBody_IsDemo(string body)
    {
        var (config, errors) = ConfigReader.Read(body);
        Assert.Empty(errors);
        Assert.Equal(TrainConfig.Demo, config);
    }

    [Fact]
    public void Read_PartialConfig_KeepsDefaultsForTheRest()
    {
        var (config, errors) = ConfigReader.Read("""{"steps": 7, "recipe": {"amaxHistoryLength": 64}}""");
        Assert.Empty(errors);
        Assert.Equal(7, config!.Steps);
        Assert.Equal(64, config.Recipe.AmaxHistoryLength);
        Assert.Equal("max", config.Recipe.AmaxComputeAlgo);
        Assert.Equal(TrainConfig.Demo.Model, config.Model);
    }

    [Theory]
    [InlineData("{not json", "$")]
    [InlineData("""{"steps":"x"}""", "steps")]
    [InlineData("""{"foo":1}""", "foo")]
    [InlineData("""{"model":{"layers":0}}""", "model.layers")]
    [InlineData("""{"seqLen": 999}""", "seqLen")]
    [InlineData("""{"steps": 1,}""", "$")]
    [InlineData("""{"model":{"dModel":"wide"}}""", "model.dModel")]
    [InlineData("""{"model":{"bogus":1}}""", "model.bogus")]
    [InlineData("""{"model":null}""", "model")]
    [InlineData("[1,2]", "$")]
    [InlineData("""{"steps": 0, "batchSize": 0}""", "steps")]
    public void Read_Invalid_NamesTheField(string body, string field)
    {
        var (config, errors) = ConfigReader.Read(body);
        Assert.Null(config);
        Assert.Contains(errors, e => e.Field == field);
    }

    [Fact]
    public void Read_SeveralProblems_ReportsEach()
    {
        var (_, errors) = ConfigReader.Read("""{"steps": 0, "batchSize": 0}""");
        Assert.Equal(["batchSize", "steps"], errors.Select(e => e.Field).Order());
    }

    [Fact]
    public async Task ReadAsync_BodyOverLimit_IsRejectedWithoutParsing()
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(new string(' ', ConfigReader.MaxBodyBytes + 10)));
        var (config, errors) = await ConfigReader.ReadAsync(context.Request, CancellationToken.None);
        Assert.Null(config);
        var error = Assert.Single(errors);
        Assert.Equal("$", error.Field);
        Assert.Contains("larger than", error.Message);
    }

    [Fact]
    public async Task ReadAsync_BodyAtLimit_IsParsed()
    {
        var json = """{"steps": 5}""";
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(json.PadRight(ConfigReader.MaxBodyBytes)));
        var (config, errors) = await ConfigReader.ReadAsync(context.Request, CancellationToken.None);
        Assert.Empty(errors);
        Assert.Equal(5, config!.Steps);
    }
}
