namespace QuantScope.Engine.Model.Hf;

/// <summary>
/// A Hugging Face model folder cannot be used: an unsupported architecture or config field, weights that are missing,
/// unexpected or the wrong shape, or a model too large for the machine. The message names the field, tensor or estimate.
/// </summary>
public sealed class HfModelException : Exception
{
    /// <summary>Creates the exception with a message naming the problem.</summary>
    public HfModelException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the lower-level cause.</summary>
    public HfModelException(string message, Exception inner) : base(message, inner)
    {
    }
}
