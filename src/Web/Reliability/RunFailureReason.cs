namespace QuantScope.Web.Reliability;

/// <summary>
/// The reason a failed run shows: the exception's message, prefixed "Out of memory" when the run ran out of memory
/// (a managed <see cref="OutOfMemoryException"/>, or libtorch's allocator refusing: "DefaultCPUAllocator: not enough
/// memory", "CUDA out of memory"), so that the run page says what to change (a smaller model or batch).
/// </summary>
public static class RunFailureReason
{
    /// <summary>Longest reason kept, characters (libtorch messages carry long native stack traces).</summary>
    public const int MaxLength = 2000;

    /// <summary>The reason for <paramref name="ex"/>.</summary>
    public static string Describe(Exception ex)
    {
        var message = string.IsNullOrWhiteSpace(ex.Message) ? ex.GetType().Name : ex.Message.Trim();
        if (IsOutOfMemory(ex)) message = "Out of memory: " + message + " Try a smaller model, batch or sequence length.";
        return message.Length <= MaxLength ? message : message[..MaxLength] + "...";
    }

    /// <summary>True for managed and native (libtorch allocator) out-of-memory errors.</summary>
    public static bool IsOutOfMemory(Exception ex) =>
        ex is OutOfMemoryException
        || ex.Message.Contains("not enough memory", StringComparison.OrdinalIgnoreCase)
        || ex.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase)
        || ex.Message.Contains("std::bad_alloc", StringComparison.Ordinal)
        || (ex.InnerException is { } inner && IsOutOfMemory(inner));
}
