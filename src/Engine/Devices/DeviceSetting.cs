using System.Globalization;
using System.Text.Json.Serialization;

namespace QuantScope.Engine.Devices;

/// <summary>
/// A run's <c>device</c> setting as written in a config: <c>auto</c>, <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>. Only
/// the text's form is checked here; whether the device is there is <see cref="DeviceResolver"/>'s question.
/// </summary>
/// <param name="Kind">What is asked for.</param>
/// <param name="Index">The CUDA device number of <c>cuda:N</c>; null for <c>cuda</c> (device 0) and the other kinds.</param>
[JsonConverter(typeof(DeviceSettingConverter))]
public readonly record struct DeviceSetting(DeviceKind Kind, int? Index = null)
{
    /// <summary>The error text of a setting that is not one of the four forms.</summary>
    public const string MustBeOneOf = "must be one of: auto, cpu, cuda, cuda:N (N = 0, 1, ...)";

    /// <summary>"auto".</summary>
    public static DeviceSetting Auto { get; } = new(DeviceKind.Auto);

    /// <summary>"cpu".</summary>
    public static DeviceSetting Cpu { get; } = new(DeviceKind.Cpu);

    /// <summary>Reads <paramref name="text"/> (case-insensitive, surrounding blanks ignored); false when it is none of the forms.</summary>
    public static bool TryParse(string? text, out DeviceSetting setting)
    {
        setting = Auto;
        var t = text?.Trim().ToLowerInvariant();
        switch (t)
        {
            case "auto": return true;
            case "cpu": setting = Cpu; return true;
            case "cuda": setting = new DeviceSetting(DeviceKind.Cuda); return true;
        }

        if (t is null || !t.StartsWith("cuda:", StringComparison.Ordinal)) return false;
        var digits = t["cuda:".Length..];
        if (digits.Length is 0 or > 3 || !digits.All(char.IsAsciiDigit)) return false;
        setting = new DeviceSetting(DeviceKind.Cuda, int.Parse(digits, CultureInfo.InvariantCulture));
        return true;
    }

    /// <summary>Like <see cref="TryParse"/> but throws.</summary>
    /// <exception cref="FormatException">Not one of the forms; the message says which are.</exception>
    public static DeviceSetting Parse(string? text) =>
        TryParse(text, out var setting) ? setting : throw new FormatException($"device '{text}' {MustBeOneOf}");

    /// <summary>The config text: <c>auto</c>, <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    public override string ToString() => Kind switch
    {
        DeviceKind.Cpu => "cpu",
        DeviceKind.Cuda => Index is { } i ? $"cuda:{i}" : "cuda",
        _ => "auto",
    };
}
