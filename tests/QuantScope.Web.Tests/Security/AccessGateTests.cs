using QuantScope.Web.Security;

namespace QuantScope.Web.Tests.Security;

public sealed class AccessGateTests
{
    [Fact]
    public void Accepts_NoTokenConfigured_NotRequiredAndRefusesEverything()
    {
        var gate = new AccessGate(null, new StringWriter());
        Assert.False(gate.IsRequired);
        Assert.False(gate.Accepts(""));
        Assert.False(gate.AcceptsCookie(""));
    }

    [Theory]
    [InlineData("secret-token", true)]
    [InlineData("secret-token ", false)]
    [InlineData("Secret-token", false)]
    [InlineData("secret-toke", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Accepts_Candidate_OnlyTheExactToken(string? candidate, bool expected)
    {
        var gate = new AccessGate("secret-token", new StringWriter());
        Assert.True(gate.IsRequired);
        Assert.Equal(expected, gate.Accepts(candidate));
    }

    [Fact]
    public void CookieValue_ConfiguredToken_IsNotTheTokenAndIsAccepted()
    {
        var gate = new AccessGate("secret-token", new StringWriter());
        Assert.DoesNotContain("secret-token", gate.CookieValue);
        Assert.True(gate.AcceptsCookie(gate.CookieValue));
        Assert.False(gate.AcceptsCookie("secret-token"));
        Assert.NotEqual(gate.CookieValue, new AccessGate("other-token", new StringWriter()).CookieValue);
    }

    [Fact]
    public void RequireForAddresses_LoopbackOnly_NothingRequiredNothingPrinted()
    {
        var console = new StringWriter();
        var gate = new AccessGate(null, console);
        var open = gate.RequireForAddresses(["http://127.0.0.1:5080", "http://[::1]:5080", "http://localhost:5080"]);
        Assert.Empty(open);
        Assert.False(gate.IsRequired);
        Assert.Empty(console.ToString());
    }

    [Fact]
    public void RequireForAddresses_AnyAddress_GeneratesRandomTokenPrintedOnce()
    {
        var console = new StringWriter();
        var gate = new AccessGate(null, console);

        gate.RequireForAddresses(["http://127.0.0.1:5080", "http://0.0.0.0:5080"]);
        var printed = console.ToString();
        gate.RequireForAddresses(["http://0.0.0.0:5080"]);
        gate.RequireGenerated("again");

        Assert.True(gate.IsRequired && gate.IsGenerated);
        Assert.Equal(printed, console.ToString());
        var token = printed.Split('\n').Single(l => l.Contains("Access token:")).Split(':')[1].Trim();
        Assert.True(gate.Accepts(token));
        Assert.Contains($"http://HOST:5080/?token={token}", printed);
        var other = new StringWriter();
        new AccessGate(null, other).RequireGenerated("x");
        Assert.DoesNotContain(token, other.ToString()); // random per process
    }

    [Fact]
    public void RequireForAddresses_ConfiguredTokenOnAnyAddress_SaysRequiredWithoutPrintingIt()
    {
        var console = new StringWriter();
        var gate = new AccessGate("configured-secret", console);
        gate.RequireForAddresses(["http://[::]:5080"]);
        Assert.False(gate.IsGenerated);
        Assert.Contains("configured access token is required", console.ToString());
        Assert.DoesNotContain("configured-secret", console.ToString());
    }
}
