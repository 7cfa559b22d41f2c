using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using QuantScope.Engine.Model.SafeTensors;
using Xunit.Abstractions;

namespace QuantScope.Engine.Tests.Model.SafeTensors;

/// <summary>
/// Fixed-seed fuzzing: valid files, then mutations of them (bit flips, byte runs, truncation, growth, header-length
/// edits, header-text edits) and random junk. Every input must either load completely or throw
/// <see cref="SafeTensorsException"/>: no other exception, no hang.
/// </summary>
public class SafeTensorsFuzzTests(ITestOutputHelper output)
{
    private const int Inputs = 12_000;

    private static readonly string[] HeaderTokens =
    [
        "\"F32\"", "\"F16\"", "\"BF16\"", "\"I8\"", "\"F8_E4M3\"", "\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"__metadata__\"",
        "[]", "[0]", "[0,0]", "[1,2]", "[9999999999999,1]", "-1", "1e30", "0.5", "null", "true", "{}", "{", "}", "[", "]", ",", ":",
        "\"\\ud800\"", "\"\\u0000\"", "18446744073709551615", "9223372036854775807", "\"a\"", " ",
    ];

    [Fact]
    public void FromBytes_FuzzedInputs_LoadOrThrowOwnException()
    {
        var random = new Random(20261109);
        var seeds = Enumerable.Range(0, 16).Select(_ => ValidFile(random)).ToArray();
        var (loaded, rejected) = (0, 0);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Inputs; i++)
        {
            var input = Generate(random, seeds[random.Next(seeds.Length)], i);
            try
            {
                using var file = SafeTensorsFile.FromBytes(input);
                foreach (var t in file.Tensors) _ = file.ReadFloat32(t.Name);
                loaded++;
            }
            catch (SafeTensorsException)
            {
                rejected++;
            }
            catch (Exception ex)
            {
                Assert.Fail($"input {i} ({input.Length} bytes) threw {ex.GetType().Name}: {ex.Message}\n{Convert.ToBase64String(input)}");
            }
        }

        output.WriteLine($"{Inputs} fuzzed inputs: {loaded} loaded, {rejected} rejected with SafeTensorsException, {watch.ElapsedMilliseconds} ms");
        Assert.Equal(Inputs, loaded + rejected);
        Assert.True(loaded > Inputs / 20, $"only {loaded} inputs loaded: the mutations are too destructive to explore valid files");
        Assert.True(rejected > Inputs / 2, $"only {rejected} inputs rejected");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"fuzzing took {watch.Elapsed}");
    }

    [Fact]
    public void Open_FuzzedFilesOnDisk_LoadOrThrowOwnException()
    {
        // The memory-mapped path, fewer inputs (each is a file).
        var random = new Random(7);
        var folder = Directory.CreateTempSubdirectory("qs-fuzz-").FullName;
        var seed = ValidFile(random);
        for (var i = 0; i < 300; i++)
        {
            var path = Path.Combine(folder, $"{i}.safetensors");
            File.WriteAllBytes(path, Generate(random, seed, i));
            try
            {
                using var file = SafeTensorsFile.Open(path);
                foreach (var t in file.Tensors) _ = file.ReadFloat32(t.Name);
            }
            catch (SafeTensorsException)
            {
            }
        }

        Directory.Delete(folder, recursive: true);
    }

    private static byte[] ValidFile(Random random)
    {
        var dtypes = Enum.GetValues<SafeTensorDType>();
        var tensors = Enumerable.Range(0, random.Next(0, 5)).Select(i =>
        {
            long[] shape = Enumerable.Range(0, random.Next(0, 4)).Select(_ => (long)random.Next(0, 5)).ToArray();
            var values = Enumerable.Range(0, (int)shape.Aggregate(1L, (a, d) => a * d)).Select(_ => (float)random.NextDouble()).ToArray();
            return SafeTensorData.FromFloats($"t{i}.weight", shape, values, dtypes[random.Next(dtypes.Length)]);
        }).ToArray();
        var metadata = random.Next(2) == 0 ? null : new Dictionary<string, string> { ["format"] = "pt" };
        return SafeTensorsWriter.ToBytes(tensors, metadata);
    }

    private static byte[] Generate(Random random, byte[] seed, int i)
    {
        var bytes = (byte[])seed.Clone();
        switch (i % 8)
        {
            case 0: return bytes; // valid as written
            case 1: // bit flips anywhere
                for (var k = random.Next(1, 4); k > 0 && bytes.Length > 0; k--) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return bytes;
            case 2: // flips inside the header text only: hits dtypes, digits and brackets
                var headerEnd = (int)Math.Min(bytes.Length, 8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes));
                for (var k = random.Next(1, 3); k > 0 && headerEnd > 8; k--) bytes[random.Next(8, headerEnd)] = (byte)random.Next(256);
                return bytes;
            case 3: return bytes[..random.Next(bytes.Length + 1)]; // truncated
            case 4: return [.. bytes, .. Enumerable.Range(0, random.Next(1, 16)).Select(_ => (byte)random.Next(256))]; // grown
            case 5: // header length edited
                var n = random.Next(4) switch { 0 => (ulong)random.Next(0, bytes.Length + 16), 1 => ulong.MaxValue - (ulong)random.Next(8), 2 => 1UL << random.Next(64), _ => 0UL };
                if (bytes.Length >= 8) BinaryPrimitives.WriteUInt64LittleEndian(bytes, n);
                return bytes;
            case 6: return HeaderEdit(random, bytes);
            default: // random junk, sometimes with a plausible length prefix
                var junk = new byte[random.Next(0, 64)];
                random.NextBytes(junk);
                if (junk.Length >= 8 && random.Next(2) == 0) BinaryPrimitives.WriteUInt64LittleEndian(junk, (ulong)random.Next(0, junk.Length));
                return junk;
        }
    }

    private static byte[] HeaderEdit(Random random, byte[] bytes)
    {
        // Replace a token-sized slice of the header text with a JSON-ish token and fix the length prefix.
        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = Encoding.UTF8.GetString(bytes, 8, n);
        var at = random.Next(header.Length);
        var cut = Math.Min(header.Length - at, random.Next(0, 6));
        header = header[..at] + HeaderTokens[random.Next(HeaderTokens.Length)] + header[(at + cut)..];
        var json = Encoding.UTF8.GetBytes(header);
        var data = bytes.AsSpan(8 + n).ToArray();
        var result = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)json.Length);
        json.CopyTo(result, 8);
        data.CopyTo(result, 8 + json.Length);
        return result;
    }
}
