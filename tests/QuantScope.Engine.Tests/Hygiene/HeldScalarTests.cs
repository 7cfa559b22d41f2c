namespace QuantScope.Engine.Tests.Hygiene;
using QuantScope.Tests.Shared;

/// <summary>
/// The engine passes numbers to TorchSharp only as held Scalars (see <see cref="ImplicitScalarScanner"/>): a temporary
/// Scalar can be freed by the GC during the native call and crash or corrupt a run.
/// </summary>
public sealed class HeldScalarTests
{
    [Fact]
    public void EngineSources_NoTemporaryScalars()
    {
        var (errors, findings) = ImplicitScalarScanner.Scan(RepoPaths.Under("src/Engine"));

        Assert.True(errors.Count == 0, "the engine's sources did not compile for the scan:\n" + string.Join('\n', errors.Take(20)));
        Assert.True(findings.Count == 0, $"{findings.Count} temporary Scalars:\n" + string.Join('\n', findings));
    }

    [Fact]
    public void Scan_SeesTheSamplesItMustFlag()
    {
        // The scanner must itself work: a folder with one of each pattern gives exactly those findings (line 6 holds
        // its Scalars; square() and add(Tensor) make temporaries inside TorchSharp).
        var folder = Directory.CreateTempSubdirectory("scalar-scan-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "Sample.cs"), """
                using TorchSharp;
                using static TorchSharp.torch;
                internal static class Sample
                {
                    private static readonly Scalar Two = 2.0.ToScalar(), One = 1.ToScalar();
                    public static Tensor Held(Tensor t) => t.mul(Two).add(t, One).pow(Two);
                    public static Tensor Temporary(Tensor t, double a) => t.add(t, alpha: a);
                    public static Tensor Operator(Tensor t) => t * 3.0;
                    public static Tensor Compound(Tensor t) { t += 1; return t; }
                    public static Tensor Fill(Tensor t) => t.fill_(0f);
                    public static Tensor Inside(Tensor t) => t.square();
                    public static Tensor InsideAdd(Tensor t) => t.add(t);
                }
                """);

            var (errors, findings) = ImplicitScalarScanner.Scan(folder);

            Assert.Empty(errors);
            Assert.Equal([7, 8, 9, 10, 11, 12], findings.Select(f => f.Line).Order().ToArray());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
