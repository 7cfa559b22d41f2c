using QuantScope.Engine.Model.SafeTensors;

namespace QuantScope.Engine.Tests.Model.SafeTensors;

public class SafeTensorsCheckpointTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("qs-shards-").FullName;

    private void Shards(string index)
    {
        SafeTensorsWriter.WriteFile(Path.Combine(_folder, "model-00001-of-00002.safetensors"), [SafeTensorData.FromFloats("a", [2], [1f, 2f], SafeTensorDType.F32)]);
        SafeTensorsWriter.WriteFile(Path.Combine(_folder, "model-00002-of-00002.safetensors"), [SafeTensorData.FromFloats("b", [1], [3f], SafeTensorDType.BF16)]);
        File.WriteAllText(Path.Combine(_folder, SafeTensorsIndex.FileName), index);
    }

    private static string Index(string a, string b) => $"{{\"metadata\":{{\"total_size\":10}},\"weight_map\":{{\"a\":\"{a}\",\"b\":\"{b}\"}}}}";

    [Fact]
    public void Open_ShardedIndex_ReadsEveryTensorFromItsShard()
    {
        Shards(Index("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"));
        using var checkpoint = SafeTensorsCheckpoint.Open(_folder);
        Assert.Equal(2, checkpoint.Files.Count);
        using var b = checkpoint.ReadTensor("b");
        Assert.Equal([3f], TensorAssert.Floats(b));
        Assert.Equal(["a", "b"], checkpoint.Tensors.Keys.Order());
    }

    [Fact]
    public void Open_IndexNamesWrongShard_ThrowsNamingTheTensor()
    {
        Shards(Index("model-00002-of-00002.safetensors", "model-00001-of-00002.safetensors"));
        var ex = Assert.Throws<SafeTensorsException>(() => SafeTensorsCheckpoint.Open(_folder));
        Assert.Contains("tensor 'a'", ex.Message);
    }

    [Fact]
    public void Open_ShardOutsideFolder_Throws()
    {
        Shards(Index("../model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"));
        Assert.Contains("not a .safetensors file in the same folder", Assert.Throws<SafeTensorsException>(() => SafeTensorsCheckpoint.Open(_folder)).Message);
    }

    [Fact]
    public void Open_TensorInTwoShards_ThrowsDuplicate()
    {
        SafeTensorsWriter.WriteFile(Path.Combine(_folder, "x-1.safetensors"), [SafeTensorData.FromFloats("a", [1], [1f], SafeTensorDType.F32)]);
        SafeTensorsWriter.WriteFile(Path.Combine(_folder, "x-2.safetensors"), [SafeTensorData.FromFloats("a", [1], [1f], SafeTensorDType.F32)]);
        File.WriteAllText(Path.Combine(_folder, SafeTensorsIndex.FileName), "{\"weight_map\":{\"a\":\"x-1.safetensors\",\"z\":\"x-2.safetensors\"}}");
        Assert.Contains("is in both", Assert.Throws<SafeTensorsException>(() => SafeTensorsCheckpoint.Open(_folder)).Message);
    }

    [Fact]
    public void Open_EmptyFolder_ThrowsNamingTheExpectedFiles() =>
        Assert.Contains("no model.safetensors", Assert.Throws<SafeTensorsException>(() => SafeTensorsCheckpoint.Open(_folder)).Message);
}
