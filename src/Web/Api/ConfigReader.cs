using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using QuantScope.Engine.Configuration;
using QuantScope.Engine.Model;
using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Api;

/// <summary>
/// Turns a request body into a <see cref="ValidTrainConfig"/> (through the one <see cref="ConfigValidator"/>), or into
/// errors that name the field by its JSON path. An empty body is the demo config.
/// </summary>
public static class ConfigReader
{
    /// <summary>Largest config body accepted, bytes.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    private static readonly JsonSerializerOptions Strict = CreateStrict();

    /// <summary>Parses and validates; exactly one of the value and the errors is set.</summary>
    /// <param name="body">The config JSON.</param>
    /// <param name="baseDirectory">
    /// Folder that relative data and task paths resolve against (the config file's folder for the CLI); null = the
    /// data folder of <paramref name="paths"/> (a config sent to the server), else the working directory.
    /// </param>
    /// <param name="paths">
    /// Which files the config may name (a config from the web); null = any (the CLI). Checked before the validator
    /// touches a file, so a refused path is never opened nor reported as existing or not.
    /// </param>
    /// <param name="deviceHere">False when the run goes to cluster workers: <c>device</c> need not be on this machine.</param>
    public static ValidationResult<ValidTrainConfig> Read(string body, string? baseDirectory = null, Security.ConfigPathPolicy? paths = null, bool deviceHere = true)
    {
        baseDirectory ??= paths?.DataFolder;
        if (string.IsNullOrWhiteSpace(body)) return ConfigValidator.Validate(TrainConfig.Demo, baseDirectory);
        TrainConfig? config;
        try
        {
            var node = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
            if (node is JsonObject root && root["model"] is JsonValue name && name.TryGetValue<string>(out var preset))
            {
                // "model": "demo" -> the preset's sizes, so the rest of the reader sees one shape.
                var model = ModelConfig.Preset(preset);
                if (model is null)
                    return Invalid("model", $"unknown model preset '{preset}': use one of {string.Join(", ", ModelConfig.PresetNames)} or an object of sizes");
                root["model"] = JsonSerializer.SerializeToNode(model, Strict);
            }

            if (node is JsonObject fields) DefaultSeqLen(fields);
            config = node.Deserialize<TrainConfig>(Strict);
        }
        catch (JsonException ex)
        {
            return Invalid(FieldOf(ex), Describe(ex));
        }
        catch (ArgumentException ex) when (ex.Message.Contains("same key", StringComparison.Ordinal))
        {
            // JsonNode parses duplicate properties and throws on first access (found by fuzzing).
            return Invalid("$", "a property appears twice in the same object");
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate ("\ud800") parses but cannot be read as text (found by fuzzing).
            return Invalid("$", "the body holds a string that is not valid text");
        }
        if (config is null) return Invalid("$", "the body must be a JSON object");
        try
        {
            if (paths?.Check(config, baseDirectory) is { Count: > 0 } refused) return ValidationResult<ValidTrainConfig>.Invalid(refused);
            var result = ConfigValidator.Validate(config, baseDirectory, deviceHere);
            // A config sent to the server is stored with absolute paths: a resume or a worker reads the same files.
            return paths?.DataFolder is not null && result.Value is { } valid
                ? ValidationResult<ValidTrainConfig>.Valid(valid.WithAbsolutePaths()) : result;
        }
        catch (ArgumentException ex)
        {
            // Path APIs refuse some names outright (a NUL character; found by fuzzing).
            return Invalid("$", $"a path in the config is not a valid file name ({ex.Message})");
        }
    }

    // seqLen not given: min(64, the model's context), so {"model": "tiny"} alone is a valid config. Names are matched
    // as the reader matches them (case-insensitively); a context of the wrong type is left for the reader to name.
    private static void DefaultSeqLen(JsonObject root)
    {
        static JsonNode? Field(JsonObject o, string name) =>
            o.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
        if (root.Any(p => string.Equals(p.Key, "seqLen", StringComparison.OrdinalIgnoreCase))) return;
        if (Field(root, "model") is JsonObject model && Field(model, "contextLength") is JsonValue context
            && context.TryGetValue<int>(out var length) && length >= 2 && length < TrainConfig.Demo.SeqLen)
            root["seqLen"] = length;
    }

    /// <summary>Reads the body of a request (bounded) and parses it.</summary>
    /// <exception cref="BadHttpRequestException">413: the body is larger than <see cref="MaxBodyBytes"/> (answered as the body limit is everywhere).</exception>
    public static async Task<ValidationResult<ValidTrainConfig>> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body);
        var buffer = new char[MaxBodyBytes + 1];
        var read = await reader.ReadBlockAsync(buffer.AsMemory(), ct);
        if (read > MaxBodyBytes) throw new BadHttpRequestException($"The request body is larger than {MaxBodyBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
        return Read(new string(buffer, 0, read), paths: request.HttpContext.RequestServices?.GetService<Security.ConfigPathPolicy>());
    }

    private static ValidationResult<ValidTrainConfig> Invalid(string field, string message) =>
        ValidationResult<ValidTrainConfig>.Invalid([new ConfigError(field, message)]);

    private static string FieldOf(JsonException ex)
    {
        var path = ex.Path ?? "$";
        // An unknown member is reported at its parent's path; name the member itself.
        var unknown = UnknownMember(ex.Message);
        if (unknown is "")
        {
            // A property with an empty name (found by the long fuzz run): its path ends in a bare '.'.
            path = path.TrimEnd('.');
            unknown = "\"\"";
        }
        if (unknown is not null && !path.EndsWith(unknown, StringComparison.Ordinal))
        {
            path = path == "$" ? $"$.{unknown}" : $"{path}.{unknown}";
        }
        var field = path.TrimStart('$', '.');
        return field.Length == 0 ? "$" : field;
    }

    private static string Describe(JsonException ex)
    {
        if (ex is ConfigValueException) return ex.Message; // an unknown enum name: "must be one of: max, most_recent, mean"
        if (UnknownMember(ex.Message) is not null) return "is not a known config field";
        return ex.Path is null or "$" ? "the body is not valid JSON" : "has the wrong type or is not valid JSON";
    }

    private static string? UnknownMember(string message)
    {
        const string marker = "The JSON property '";
        var start = message.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0 || !message.Contains("could not be mapped", StringComparison.Ordinal)) return null;
        start += marker.Length;
        var end = message.IndexOf('\'', start);
        return end >= start ? message[start..end] : null;
    }

    private static JsonSerializerOptions CreateStrict()
    {
        var options = JsonDefaults.Apply(new JsonSerializerOptions(JsonSerializerDefaults.Web));
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.AllowTrailingCommas = false;
        options.MaxDepth = 16;
        return options;
    }
}
