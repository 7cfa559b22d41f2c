using QuantScope.Web.Cli;
using QuantScope.Web.Tests.Api;

namespace QuantScope.Web.Tests.Cli;

public sealed class HfCommandTests
{
    [Fact]
    public void Inspect_ModelFolder_PrintsConfigCountAndMemory()
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        Assert.Equal(0, HfCommand.Inspect(ModelFolderFixture.Write(), json: false, stdout, stderr));
        var text = stdout.ToString();
        Assert.Contains("heads 4 (kv 2)", text);
        Assert.Contains($"parameters  {ModelFolderFixture.Config.ParameterCount():N0}", text);
        Assert.Contains("memory      ok qat:", text);
    }

    [Fact]
    public void Inspect_MissingFolder_ExitsTwoNamingIt()
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        Assert.Equal(2, HfCommand.Inspect("/no/such/model", json: false, stdout, stderr));
        Assert.Contains("no such folder", stderr.ToString());
    }
}
