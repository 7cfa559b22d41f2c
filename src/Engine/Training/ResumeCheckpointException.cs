namespace QuantScope.Engine.Training;

/// <summary>
/// A run cannot resume from its checkpoint: the resume state is missing, unreadable (truncated, not ours), or was
/// written by a different config or model. The message names the file and the field that failed.
/// </summary>
public sealed class ResumeCheckpointException : Exception
{
    /// <summary>Creates the exception for <paramref name="file"/>, naming the failing <paramref name="field"/>.</summary>
    public ResumeCheckpointException(string file, string field, string problem, Exception? inner = null)
        : base($"Cannot resume from {file}: {field} {problem}", inner)
    {
        File = file;
        Field = field;
    }

    /// <summary>The resume-state file (full path), or the run's checkpoint folder when no file exists.</summary>
    public string File { get; }

    /// <summary>What failed: a section of the file (<c>configHash</c>, <c>step</c>, a parameter name, ...).</summary>
    public string Field { get; }
}
