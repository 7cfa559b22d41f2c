using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using QuantScope.Tests.Shared;

namespace QuantScope.Web.Tests.Security;

/// <summary>clients/python against a token-protected Kestrel server: QUANTSCOPE_TOKEN is sent as a bearer token.</summary>
public sealed class PythonClientTokenTests
{
    private const string Script = """
        import sys
        sys.path.insert(0, sys.argv[1])
        from quantscope_client import QuantScopeClient, QuantScopeError
        try:
            run = QuantScopeClient(sys.argv[2]).create_run("py-token")
            run.log(0, {"loss": 1.0})
            run.finish()
            print("ok", run.id)
        except QuantScopeError as e:
            print("refused", e)
        """;

    [Fact]
    public async Task CreateRun_TokenFromEnvironment_AcceptedAndWithoutItRefused()
    {
        using var factory = new SecureWebFactory(SecureWebFactory.Token);
        factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var url = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var with = await RunPythonAsync(url, SecureWebFactory.Token);
        var without = await RunPythonAsync(url, null);

        Assert.StartsWith("ok ", with);
        Assert.StartsWith("refused", without);
        Assert.Contains("401", without);
        Assert.DoesNotContain(factory.Logs.Messages, m => m.Contains(SecureWebFactory.Token, StringComparison.Ordinal));
    }

    private static async Task<string> RunPythonAsync(string url, string? token)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-c", Script, Path.Combine(RepoPaths.Root, "clients", "python"), url }) start.ArgumentList.Add(a);
        start.Environment.Remove("QUANTSCOPE_TOKEN");
        if (token is not null) start.Environment["QUANTSCOPE_TOKEN"] = token;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(process.ExitCode == 0, await stderr);
        return (await stdout).Trim();
    }
}
