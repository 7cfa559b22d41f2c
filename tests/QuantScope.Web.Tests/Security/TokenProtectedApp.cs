namespace QuantScope.Web.Tests.Security;

/// <summary>One app with <see cref="SecureWebFactory.Token"/> configured, shared by a test class.</summary>
public sealed class TokenProtectedApp : IDisposable
{
    /// <summary>The app.</summary>
    public SecureWebFactory Factory { get; } = new(SecureWebFactory.Token);

    /// <inheritdoc />
    public void Dispose() => Factory.Dispose();
}
