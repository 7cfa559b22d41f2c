namespace QuantScope.Engine.Model.SafeTensors;

/// <summary>
/// A safetensors file (or a sharded checkpoint's index) is malformed or holds something QuantScope cannot read. The
/// message names the file, the tensor and the problem. The reader throws nothing else for bad input.
/// </summary>
public sealed class SafeTensorsException : Exception
{
    /// <summary>Creates the exception with a message naming the problem.</summary>
    public SafeTensorsException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the lower-level cause.</summary>
    public SafeTensorsException(string message, Exception inner) : base(message, inner)
    {
    }
}
