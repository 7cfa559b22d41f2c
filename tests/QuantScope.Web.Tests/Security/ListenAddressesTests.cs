using QuantScope.Web.Security;

namespace QuantScope.Web.Tests.Security;

public sealed class ListenAddressesTests
{
    [Theory]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://LOCALHOST:5080/", true)]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://127.0.0.2:80", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("https://[::1]", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://192.168.1.20:5080", false)]
    [InlineData("http://myhost:5080", false)]
    [InlineData("http://localhost.evil.example:5080", false)]
    public void IsLoopback_Address_OnlyLoopbackHosts(string address, bool expected) =>
        Assert.Equal(expected, ListenAddresses.IsLoopback(address));

    [Fact]
    public void IsLoopback_MappedIpv4Loopback_True() =>
        Assert.True(ListenAddresses.IsLoopback(IPAddress.Parse("::ffff:127.0.0.1")));
}
