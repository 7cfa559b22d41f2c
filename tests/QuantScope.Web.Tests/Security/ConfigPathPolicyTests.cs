using Microsoft.Extensions.Configuration;
using QuantScope.Engine.Model.Hf;
using QuantScope.Engine.Training;
using QuantScope.Web.Api;
using QuantScope.Web.Security;

namespace QuantScope.Web.Tests.Security;

public sealed class ConfigPathPolicyTests : IDisposable
{
    private readonly string _top = Path.Combine(Path.GetTempPath(), $"quantscope-paths-{Guid.NewGuid():N}");
    private readonly string _root;
    private readonly string _outside;
    private readonly ConfigPathPolicy _policy;

    public ConfigPathPolicyTests()
    {
        _root = Directory.CreateDirectory(Path.Combine(_top, "data")).FullName;
        _outside = Directory.CreateDirectory(Path.Combine(_top, "elsewhere")).FullName;
        File.WriteAllText(Path.Combine(_root, "corpus.txt"), "hello world, hello QuantScope\n");
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "not for configs\n");
        _policy = new ConfigPathPolicy([_root]);
    }

    public void Dispose() => Directory.Delete(_top, recursive: true);

    private string Db => Path.Combine(_root, "quantscope.db");

    private static TrainConfig WithData(string path) => TrainConfig.Demo with { Data = new DataConfig { Kind = DataKind.Text, Path = path } };

    [Fact]
    public void Check_FileInsideTheRoot_IsAllowed()
    {
        Assert.Empty(_policy.Check(WithData(Path.Combine(_root, "corpus.txt"))));
        Assert.Empty(_policy.Check(WithData("corpus.txt"), baseDirectory: _root));
    }

    [Fact]
    public void Check_AbsolutePathElsewhere_IsRefusedNamingTheField()
    {
        var error = Assert.Single(_policy.Check(WithData(Path.Combine(_outside, "secret.txt"))));
        Assert.Equal("data.path", error.Field);
        Assert.Contains("outside the folders this server may read", error.Message);
    }

    [Fact]
    public void Check_DotDotSegment_IsRefusedEvenWhenItWouldStayInside()
    {
        Assert.Equal("data.path", Assert.Single(_policy.Check(WithData("../elsewhere/secret.txt"), Db)).Field);
        Assert.Contains("'..'", Assert.Single(_policy.Check(WithData(Path.Combine(_root, "..", "data", "corpus.txt")))).Message);
    }

    [Fact]
    public void Check_FileLinkInsideTheRootPointingOut_IsRefused()
    {
        var link = Path.Combine(_root, "innocent.txt");
        File.CreateSymbolicLink(link, Path.Combine(_outside, "secret.txt"));

        Assert.Equal("data.path", Assert.Single(_policy.Check(WithData(link))).Field);
    }

    [Fact]
    public void Check_FolderLinkOnTheWayPointingOut_IsRefused()
    {
        var link = Path.Combine(_root, "shared");
        Directory.CreateSymbolicLink(link, _outside);

        Assert.Equal("pretrain.data.path", Assert.Single(_policy.Check(TrainConfig.Demo with
        {
            Pretrain = new PretrainConfig { Data = new DataConfig { Kind = DataKind.Text, Path = Path.Combine(link, "secret.txt") } },
        })).Field);
    }

    [Fact]
    public void Check_LinkThatStaysInsideTheRoot_IsAllowed()
    {
        var link = Path.Combine(_root, "alias.txt");
        File.CreateSymbolicLink(link, "corpus.txt"); // relative target: next to the link

        Assert.Empty(_policy.Check(WithData(link)));
    }

    [Fact]
    public void Check_TaskOutside_IsRefusedByIndex()
    {
        var config = TrainConfig.Demo with { Tasks = [Path.Combine(_root, "corpus.txt"), "/etc/hostname"] };

        Assert.Equal("tasks[1]", Assert.Single(_policy.Check(config)).Field);
    }

    [Fact]
    public void Check_InitFolderWithAFileLinkingOut_IsRefused()
    {
        var model = Directory.CreateDirectory(Path.Combine(_root, "model")).FullName;
        File.WriteAllText(Path.Combine(model, "config.json"), "{}");
        File.CreateSymbolicLink(Path.Combine(model, "model.safetensors"), Path.Combine(_outside, "secret.txt"));

        var error = Assert.Single(_policy.Check(TrainConfig.Demo with { Init = new InitConfig { Path = model } }));
        Assert.Equal("init.path", error.Field);
        Assert.Contains("model.safetensors", error.Message);
    }

    [Fact]
    public void Check_InitFolderInside_IsAllowed()
    {
        var model = Directory.CreateDirectory(Path.Combine(_root, "model")).FullName;
        File.WriteAllText(Path.Combine(model, "config.json"), "{}");

        Assert.Empty(_policy.Check(TrainConfig.Demo with { Init = new InitConfig { Path = model } }));
    }

    [Fact]
    public void From_StorageAllowedRoots_AddsThatFolderAndStarAllowsAny()
    {
        IConfiguration Config(params (string, string)[] pairs) =>
            new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(p.Item1, p.Item2))).Build();
        var secret = WithData(Path.Combine(_outside, "secret.txt"));

        Assert.NotEmpty(ConfigPathPolicy.From(Config(), Db).Check(secret));
        Assert.Empty(ConfigPathPolicy.From(Config(("Storage:AllowedRoots:0", _outside)), Db).Check(secret));
        Assert.Empty(ConfigPathPolicy.From(Config(("Models:AllowedRoots:0", _outside)), Db).Check(secret));
        Assert.Empty(ConfigPathPolicy.From(Config(("Storage:AllowedRoots:0", "*")), Db).Check(secret));
    }

    [Fact]
    public void ConfigReaderRead_RefusedPath_IsNeverOpenedNorSaidToExist()
    {
        var missing = Path.Combine(_outside, "no-such-file.txt");
        var body = $$$"""{"data": {"kind": "text", "path": "{{{missing.Replace("\\", "\\\\")}}}"}}""";

        var (config, errors) = ConfigReader.Read(body, paths: _policy);

        Assert.Null(config);
        var error = Assert.Single(errors);
        Assert.Equal("data.path", error.Field);
        Assert.DoesNotContain("does not exist", error.Message);
    }

    [Fact]
    public void ConfigReaderRead_NoPolicy_KeepsFullAccessForTheCli()
    {
        var body = $$$"""{"data": {"kind": "text", "path": "{{{Path.Combine(_outside, "secret.txt").Replace("\\", "\\\\")}}}"}}""";

        var (config, errors) = ConfigReader.Read(body);

        Assert.Empty(errors);
        Assert.NotNull(config);
    }

    [Theory]
    [InlineData("quantscope.db")]
    [InlineData("quantscope.db-wal")]
    [InlineData("quantscope.db-shm")]
    [InlineData("quantscope.db-journal")]
    [InlineData("checkpoints/run/step-10.bin")]
    [InlineData("uploads/import-1.tmp")]
    public void Check_TheStoresOwnFiles_AreRefusedEvenWhenAnyPathIsAllowed(string relative)
    {
        var file = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, "store bytes");
        foreach (var policy in new[] { new ConfigPathPolicy([_root], Db), new ConfigPathPolicy(["*"], Db) })
        {
            var data = Assert.Single(policy.Check(WithData(file)));
            Assert.Equal("data.path", data.Field);
            Assert.Contains("dashboard's", data.Message);
            Assert.Equal("tasks[0]", Assert.Single(policy.Check(TrainConfig.Demo with { Tasks = [relative] }, _root)).Field);
            Assert.Equal("init.path", Assert.Single(policy.Check(TrainConfig.Demo with { Init = new InitConfig { Path = file } })).Field);
        }
    }

    [Fact]
    public void Check_LinkToTheDatabaseInsideAModelFolderOrElsewhere_IsRefused()
    {
        File.WriteAllText(Db, "store bytes");
        var model = Directory.CreateDirectory(Path.Combine(_outside, "model")).FullName;
        File.CreateSymbolicLink(Path.Combine(model, "model.safetensors"), Db);
        var link = Path.Combine(_outside, "corpus.txt");
        File.CreateSymbolicLink(link, Db);
        var policy = new ConfigPathPolicy(["*"], Db);

        Assert.Equal("init.path", Assert.Single(policy.Check(TrainConfig.Demo with { Init = new InitConfig { Path = model } })).Field);
        Assert.Equal("data.path", Assert.Single(policy.Check(WithData(link))).Field);
    }

    [Fact]
    public void ConfigReaderRead_RelativeDataPath_ResolvesAgainstTheDataFolderNotTheWorkingDirectory()
    {
        var policy = ConfigPathPolicy.From(new ConfigurationBuilder().Build(), Db);

        var (config, errors) = ConfigReader.Read("""{"data": {"kind": "text", "path": "corpus.txt"}}""", paths: policy);

        Assert.Empty(errors);
        Assert.Equal(_root, config!.BaseDirectory);
        Assert.Equal(Path.Combine(_root, "corpus.txt"), config.WithAbsolutePaths().Config.Data!.Path);
    }
}
