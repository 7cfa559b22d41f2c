using System.Globalization;
using System.Text;
using QuantScope.Engine.Numerics;

namespace QuantScope.Web.Tests.Api;

public sealed class FormatEndpointsTests : IClassFixture<QuantScopeWebFactory>
{
    private readonly HttpClient _client;

    public FormatEndpointsTests(QuantScopeWebFactory factory) => _client = factory.CreateClient();

    [Fact]
    public async Task List_AllFormats_HaveTheirLimitsAndBlocks()
    {
        var list = await _client.GetFromJsonAsync<JsonElement>("/api/formats");
        var byName = list.EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!);
        Assert.Equal(NumberFormats.Names, byName.Keys);
        foreach (var name in new[] { "e4m3", "e5m2", "hif8", "int8", "int4", "mxfp8-e4m3", "mxfp8-e5m2", "mxfp4", "nvfp4" })
            Assert.Contains(name, byName.Keys);

        var e4m3 = byName["e4m3"];
        Assert.Equal(448, e4m3.GetProperty("max").GetDouble());
        Assert.Equal(Math.Pow(2, -6), e4m3.GetProperty("minNormal").GetDouble());
        Assert.Equal(Math.Pow(2, -9), e4m3.GetProperty("minSubnormal").GetDouble());
        Assert.Equal(Math.Log2(448) + 9, e4m3.GetProperty("dynamicRangeBinades").GetDouble(), 9);
        Assert.Equal(127, e4m3.GetProperty("valueCount").GetInt32());
        Assert.Equal("float", e4m3.GetProperty("kind").GetString());
        Assert.False(e4m3.GetProperty("blockScaled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, e4m3.GetProperty("blockSize").ValueKind);
        Assert.Contains("emulated", e4m3.GetProperty("note").GetString(), StringComparison.OrdinalIgnoreCase);

        Assert.Equal(57344, byName["e5m2"].GetProperty("max").GetDouble());
        Assert.Equal(32, byName["mxfp4"].GetProperty("blockSize").GetInt32());
        Assert.True(byName["mxfp4"].GetProperty("blockScaled").GetBoolean());
        Assert.Equal("block", byName["mxfp4"].GetProperty("kind").GetString());
        Assert.Equal(16, byName["nvfp4"].GetProperty("blockSize").GetInt32());
        Assert.Equal("int", byName["int4"].GetProperty("kind").GetString());
        Assert.Equal(7, byName["int4"].GetProperty("max").GetDouble());
    }

    [Fact]
    public async Task Get_E4M3_ListsItsGrid()
    {
        var detail = await _client.GetFromJsonAsync<JsonElement>("/api/formats/E4M3");
        Assert.Equal("e4m3", detail.GetProperty("format").GetProperty("name").GetString());
        var grid = detail.GetProperty("representableValues").EnumerateArray().Select(v => v.GetDouble()).ToList();
        Assert.Equal(127, grid.Count);
        Assert.Equal(0, grid[0]);
        Assert.Equal(448, grid[^1]);
    }

    [Fact]
    public async Task Quantize_E4M3_RoundsTiesToEvenSaturatesAndKeepsNaN()
    {
        // 1.0625 is a tie between 1 and 1.125 -> even 1; 500 and +inf saturate to 448; -2^-9 is the min subnormal;
        // 2^-10 is the tie between 0 and 2^-9 -> even 0.
        var values = await QuantizeAsync("e4m3", """{"values":[1.0625, 500, "NaN", "Infinity", -0.001953125, 0.0009765625], "scale": 1}""");
        Assert.Equal([1, 448, double.NaN, 448, -0.001953125, 0], values);
    }

    [Fact]
    public async Task Quantize_Scale2_DividesTheSaturatedValueBack()
    {
        // 300 · 2 = 600 saturates to 448; 448 / 2 = 224.
        Assert.Equal(new double[] { 224 }, await QuantizeAsync("e4m3", """{"values":[300], "scale": 2}"""));
    }

    [Fact]
    public async Task Quantize_Int4Group16_UsesAbsmaxOver7AndHalfToEven()
    {
        // absmax 3.5 -> scale 0.5; x / 0.5 rounded half to even, times 0.5.
        double[] x = [3.5, -3.5, 0.25, 0.75, 1.25, -1.75, 2.0, 0.1, 0.3, -0.6, 2.6, 3.3, -2.25, 0, 1.0, -0.2];
        double[] expected = [3.5, -3.5, 0, 1.0, 1.0, -2.0, 2.0, 0, 0.5, -0.5, 2.5, 3.5, -2.0, 0, 1.0, 0];
        var body = JsonSerializer.Serialize(new { values = x, groupSize = 16 });
        Assert.Equal(expected, await QuantizeAsync("int4", body));
    }

    [Fact]
    public async Task Quantize_Int4GroupSize_GivesEachGroupItsOwnScale()
    {
        // Group 1 absmax 7 (scale 1), group 2 absmax 0.7 (scale 0.1): 0.35 -> 3.5 -> 4 · 0.1. Per tensor it would be 0.
        var x = Enumerable.Repeat(7.0, 16).Concat(Enumerable.Repeat(0.35, 15)).Append(0.7).ToArray();
        var grouped = await QuantizeAsync("int4", JsonSerializer.Serialize(new { values = x, groupSize = 16 }));
        Assert.Equal(0.4, grouped[16], 6);
        var perTensor = await QuantizeAsync("int4", JsonSerializer.Serialize(new { values = x }));
        Assert.Equal(0, perTensor[16]);
    }

    [Fact]
    public async Task Quantize_HiF8AtOverflowTie_IsInfinity()
    {
        var response = await _client.PostAsync("/api/formats/hif8/quantize", Json("""{"values":[40960]}"""));
        response.EnsureSuccessStatusCode();
        Assert.Contains("\"Infinity\"", await response.Content.ReadAsStringAsync());
        Assert.Equal(new[] { double.PositiveInfinity }, await QuantizeAsync("hif8", """{"values":[40960]}"""));
    }

    [Theory]
    [InlineData("mxfp4", 3)]
    [InlineData("nvfp4", 17)]
    [InlineData("mxfp8-e4m3", 33)]
    public async Task Quantize_BlockFormatPartialBlock_KeepsTheLength(string name, int count)
    {
        var x = Enumerable.Range(1, count).Select(i => (double)(i % 6 + 1)).ToArray();
        var values = await QuantizeAsync(name, JsonSerializer.Serialize(new { values = x }));
        Assert.Equal(count, values.Length);
        Assert.All(values, v => Assert.True(double.IsFinite(v)));
        if (name == "mxfp4") Assert.Equal(new double[] { 2, 3, 4 }, values); // amax 4 -> shared scale 1; 2, 3, 4 are E2M1 values
    }

    [Fact]
    public async Task Quantize_Empty_IsEmpty() => Assert.Empty(await QuantizeAsync("nvfp4", """{"values":[]}"""));

    [Fact]
    public async Task UnknownFormat_Is404Problem()
    {
        var get = await _client.GetAsync("/api/formats/fp7");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal("application/problem+json", get.Content.Headers.ContentType?.MediaType);
        var post = await _client.PostAsync("/api/formats/fp7/quantize", Json("""{"values":[1]}"""));
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
    }

    [Theory]
    [InlineData("e4m3", "{not json", "$")]
    [InlineData("e4m3", "", "$")]
    [InlineData("e4m3", "[1,2]", "$")]
    [InlineData("e4m3", "{}", "values")]
    [InlineData("e4m3", """{"values":"1,2"}""", "values")]
    [InlineData("e4m3", """{"values":[1,"abc"]}""", "values")]
    [InlineData("e4m3", """{"values":[1,null]}""", "values")]
    [InlineData("e4m3", """{"values":[1],"scale":0}""", "scale")]
    [InlineData("e4m3", """{"values":[1],"scale":-2}""", "scale")]
    [InlineData("e4m3", """{"values":[1],"scale":"Infinity"}""", "scale")]
    [InlineData("e4m3", """{"values":[1],"scale":"NaN"}""", "scale")]
    [InlineData("e4m3", """{"values":[1],"scale":"big"}""", "scale")]
    [InlineData("e4m3", """{"values":[1],"groupSize":8}""", "groupSize")]
    [InlineData("int4", """{"values":[1],"groupSize":2048}""", "groupSize")]
    [InlineData("int4", """{"values":[1,2,3],"groupSize":16}""", "groupSize")]
    [InlineData("int4", """{"values":[1],"groupSize":16.5}""", "groupSize")]
    public async Task Quantize_BadBody_Is400NamingTheField(string name, string body, string field)
    {
        var response = await _client.PostAsync($"/api/formats/{name}/quantize", Json(body));
        await AssertNamesFieldAsync(response, field);
    }

    [Fact]
    public async Task Quantize_MoreThanAMillionValues_Is400()
    {
        var body = new StringBuilder("{\"values\":[");
        body.Append(string.Join(',', Enumerable.Repeat("0", 1_000_001)));
        body.Append("]}");
        var response = await _client.PostAsync("/api/formats/e4m3/quantize", Json(body.ToString()));
        await AssertNamesFieldAsync(response, "values");
    }

    private static async Task AssertNamesFieldAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), text);
    }

    private async Task<double[]> QuantizeAsync(string name, string body)
    {
        var response = await _client.PostAsync($"/api/formats/{name}/quantize", Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("values").EnumerateArray()
            .Select(v => v.ValueKind == JsonValueKind.String ? double.Parse(v.GetString()!, CultureInfo.InvariantCulture) : v.GetDouble())
            .ToArray();
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
