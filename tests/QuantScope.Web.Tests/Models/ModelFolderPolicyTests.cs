using Microsoft.Extensions.Configuration;
using QuantScope.Web.Models;

namespace QuantScope.Web.Tests.Models;

public sealed class ModelFolderPolicyTests
{
    private static readonly string Home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    [Theory]
    [InlineData("/models", "/models", true)]
    [InlineData("/models", "/models/SmolLM", true)]
    [InlineData("/models/", "/models/SmolLM/", true)]
    [InlineData("/models", "/models/../etc", false)]
    [InlineData("/models", "/models-evil/x", false)]
    [InlineData("/models", "/", false)]
    public void Allows_CanonicalPath_OnlyInsideARoot(string root, string path, bool allowed) =>
        Assert.Equal(allowed, new ModelFolderPolicy([root]).Allows(path));

    [Theory]
    [InlineData("")]
    [InlineData("*")]
    public void Allows_NoRootsOrStar_AnyFolder(string roots) =>
        Assert.True(new ModelFolderPolicy(roots.Split(',', StringSplitOptions.RemoveEmptyEntries)).Allows("/anything/at/all"));

    [Fact]
    public void From_SectionAbsent_HomeAndDataFolder()
    {
        var policy = ModelFolderPolicy.From(new ConfigurationBuilder().Build(), "/srv/quantscope/data");
        Assert.Equal([Path.TrimEndingDirectorySeparator(Home), "/srv/quantscope/data"], policy.Roots);
        Assert.True(policy.Allows("/srv/quantscope/data/models/x"));
        Assert.False(policy.Allows("/srv/quantscope/other"));
    }

    [Fact]
    public void From_ConfiguredRoots_OnlyThose()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Models:AllowedRoots:0"] = "/models" }).Build();
        var policy = ModelFolderPolicy.From(configuration, "/data");
        Assert.Equal(["/models"], policy.Roots);
        Assert.False(policy.Allows("/data/x"));
    }

    [Fact]
    public void From_EmptyValue_AnyFolder()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Models:AllowedRoots"] = "" }).Build();
        Assert.Empty(ModelFolderPolicy.From(configuration, "/data").Roots);
    }

    [Fact]
    public void Allows_LinkInsideARootPointingOutOrAFolderWhoseFileLinksOut_Refused()
    {
        var top = Directory.CreateTempSubdirectory("quantscope-models-").FullName;
        try
        {
            var root = Directory.CreateDirectory(Path.Combine(top, "models")).FullName;
            var outside = Directory.CreateDirectory(Path.Combine(top, "secret")).FullName;
            File.WriteAllText(Path.Combine(outside, "config.json"), "{}");
            Directory.CreateSymbolicLink(Path.Combine(root, "escape"), outside);
            var model = Directory.CreateDirectory(Path.Combine(root, "model")).FullName;
            File.CreateSymbolicLink(Path.Combine(model, "config.json"), Path.Combine(outside, "config.json"));
            var honest = Directory.CreateDirectory(Path.Combine(root, "honest")).FullName;
            File.WriteAllText(Path.Combine(honest, "config.json"), "{}");
            var policy = new ModelFolderPolicy([root]);

            Assert.False(policy.Allows(Path.Combine(root, "escape")));
            Assert.False(policy.Allows(Path.Combine(root, "escape", "config.json")));
            Assert.False(policy.Allows(model));
            Assert.True(policy.Allows(honest));
        }
        finally
        {
            Directory.Delete(top, recursive: true);
        }
    }
}
