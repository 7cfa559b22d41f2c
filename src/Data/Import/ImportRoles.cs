using QuantScope.Engine.Telemetry;

namespace QuantScope.Data.Import;

/// <summary>Maps the tensor names found in logs to QuantScope's tensor roles (<see cref="TensorRoles"/>).</summary>
public static class ImportRoles
{
    /// <summary>
    /// <c>activation</c>/<c>input</c> → input, <c>weight</c> → weight, <c>gradient</c>/<c>grad</c>/<c>grad_output</c> → grad;
    /// any other name is kept (lower case), an empty one means input.
    /// </summary>
    public static string Normalize(string? tensor)
    {
        var name = (tensor ?? "").Trim().ToLowerInvariant();
        return name switch
        {
            "" or "activation" or "input" or "act" => TensorRoles.Input,
            "weight" or "w" => TensorRoles.Weight,
            "gradient" or "grad" or "grad_output" or "gradoutput" => TensorRoles.GradOutput,
            _ => name,
        };
    }
}
