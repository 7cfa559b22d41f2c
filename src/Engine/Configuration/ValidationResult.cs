using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Configuration;

/// <summary>
/// The one shape every validator returns: the checked value, or every problem as a <see cref="ConfigError"/> (field by
/// JSON path + message). Exactly one of <see cref="Value"/> and <see cref="Errors"/> is set.
/// </summary>
/// <typeparam name="T">What a valid input becomes.</typeparam>
public sealed record ValidationResult<T> where T : class
{
    private ValidationResult(T? value, IReadOnlyList<ConfigError> errors)
    {
        Value = value;
        Errors = errors;
    }

    /// <summary>The validated value; null when there are errors.</summary>
    public T? Value { get; }

    /// <summary>Every problem; empty when valid.</summary>
    public IReadOnlyList<ConfigError> Errors { get; }

    /// <summary>True when there are no errors.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>A valid result.</summary>
    public static ValidationResult<T> Valid(T value) => new(value ?? throw new ArgumentNullException(nameof(value)), []);

    /// <summary>An invalid result (at least one error).</summary>
    public static ValidationResult<T> Invalid(IReadOnlyList<ConfigError> errors) =>
        errors is { Count: > 0 } ? new(null, errors) : throw new ArgumentException("an invalid result needs an error", nameof(errors));

    /// <summary>Deconstructs into (value, errors), like the tuples validators returned before.</summary>
    public void Deconstruct(out T? value, out IReadOnlyList<ConfigError> errors)
    {
        value = Value;
        errors = Errors;
    }

    /// <summary>The errors as one line, <c>field message; field message</c> (for exceptions and logs).</summary>
    public string Describe() => string.Join("; ", Errors.Select(e => $"{e.Field} {e.Message}"));
}
