using System.Text;

namespace QuantScope.Web.Tests.Fuzz;

/// <summary>A parser crashed or hung on a generated input; the message shows the input (text and base64) to replay it.</summary>
public sealed class FuzzFailureException(string parser, byte[] input, Exception inner)
    : Exception($"{parser} failed on a {input.Length}-byte input with {inner.GetType().Name}: {inner.Message}\n" +
                $"text: {Preview(input)}\nbase64: {Convert.ToBase64String(input.Length > 4096 ? input[..4096] : input)}", inner)
{
    private static string Preview(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input.Length > 400 ? input[..400] : input);
        return text.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);
    }
}
