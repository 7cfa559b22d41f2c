namespace QuantScope.Web.Runs;

/// <summary>A run cannot be resumed now; the message says why (the API answers 409 with it).</summary>
public sealed class RunResumeException(string message, Exception? inner = null) : Exception(message, inner);
