using System.Text;

namespace QuantScope.Data.Import.Logs;

/// <summary>The lines of a text log with their 1-based numbers (UTF-8, BOM honoured; the stream stays open).</summary>
public static class LogLines
{
    /// <summary>Each line of <paramref name="stream"/>, checking <paramref name="ct"/> between lines.</summary>
    public static IEnumerable<(int Number, string Text)> Read(Stream stream, CancellationToken ct)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            ct.ThrowIfCancellationRequested();
            yield return (++number, line);
        }
    }
}
