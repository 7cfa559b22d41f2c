using System.Text.Json;
using QuantScope.Engine.Configuration;
using QuantScope.Engine.Devices;

namespace QuantScope.Engine.Tests.Devices;

public sealed class DeviceSettingTests
{
    [Theory]
    [InlineData("auto", DeviceKind.Auto, null, "auto")]
    [InlineData("cpu", DeviceKind.Cpu, null, "cpu")]
    [InlineData(" CPU ", DeviceKind.Cpu, null, "cpu")]
    [InlineData("cuda", DeviceKind.Cuda, null, "cuda")]
    [InlineData("cuda:0", DeviceKind.Cuda, 0, "cuda:0")]
    [InlineData("CUDA:12", DeviceKind.Cuda, 12, "cuda:12")]
    public void TryParse_KnownForms_ReadsKindIndexAndWritesTheCanonicalText(string text, DeviceKind kind, int? index, string canonical)
    {
        Assert.True(DeviceSetting.TryParse(text, out var setting));
        Assert.Equal(kind, setting.Kind);
        Assert.Equal(index, setting.Index);
        Assert.Equal(canonical, setting.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:1.5")]
    [InlineData("cuda:1234")]
    [InlineData("cuda0")]
    [InlineData("mps")]
    public void TryParse_OtherText_IsRefused(string? text)
    {
        Assert.False(DeviceSetting.TryParse(text, out _));
        var ex = Assert.Throws<FormatException>(() => DeviceSetting.Parse(text));
        Assert.Contains(DeviceSetting.MustBeOneOf, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_ConfigDevice_RoundTripsAndUnknownTextNamesTheForms()
    {
        var config = JsonSerializer.Deserialize<TrainConfig>("""{"device": "cuda:1"}""", JsonSerializerOptions.Web)!;
        Assert.Equal(new DeviceSetting(DeviceKind.Cuda, 1), config.Device);
        Assert.Contains("\"device\":\"cuda:1\"", JsonSerializer.Serialize(config, JsonSerializerOptions.Web), StringComparison.Ordinal);
        Assert.Null(JsonSerializer.Deserialize<TrainConfig>("{}", JsonSerializerOptions.Web)!.Device); // not given: the host's default
        Assert.DoesNotContain("device", JsonSerializer.Serialize(TrainConfig.Demo, JsonSerializerOptions.Web), StringComparison.Ordinal);

        var ex = Assert.Throws<ConfigValueException>(() => JsonSerializer.Deserialize<TrainConfig>("""{"device": "gpu"}""", JsonSerializerOptions.Web));
        Assert.Equal(DeviceSetting.MustBeOneOf, ex.Message);
        Assert.Equal("$.device", ex.Path);
    }
}
