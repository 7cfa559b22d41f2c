using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace QuantScope.Engine.Tests.Hygiene;

/// <summary>
/// Compiles the engine's sources with Roslyn and lists every place where a number reaches TorchSharp as a temporary
/// <c>Scalar</c>: an implicit conversion to <c>TorchSharp.Scalar</c> in our code, or a <c>Tensor</c> operator overload
/// that takes a plain number (TorchSharp converts it inside). TorchSharp 0.107 reads such a temporary's native handle
/// and then no longer references it, so the GC may finalize (free) it while the native op still reads it — the
/// "Expected false to be true … toFloat" / "Unknown scalar type" crashes. Held Scalars (a static field, or a
/// <c>using var</c> that lives past the call) cannot be finalized early.
/// </summary>
internal static class ImplicitScalarScanner
{
    /// <summary>One finding: file relative to the engine folder, 1-based line, what was found, the code.</summary>
    public sealed record Finding(string File, int Line, string What, string Code)
    {
        public override string ToString() => $"{File}:{Line}: {What}: {Code}";
    }

    /// <summary>The compile errors (must be none for the scan to mean anything) and the findings.</summary>
    public static (IReadOnlyList<string> Errors, IReadOnlyList<Finding> Findings) Scan(string engineFolder)
    {
        var compilation = Compile(engineFolder);
        var errors = compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != GeneratorOnlyError)
            .Select(d => d.ToString()).ToList();
        var findings = new List<Finding>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            var model = compilation.GetSemanticModel(tree);
            var file = Path.GetRelativePath(engineFolder, tree.FilePath);
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                var what = Classify(model, node);
                if (what is null) continue;
                var line = node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                findings.Add(new Finding(file, line, what, node.ToString()));
            }
        }
        return (errors, findings);
    }

    // [GeneratedRegex] partial methods: their bodies come from a source generator the scan does not run.
    private const string GeneratorOnlyError = "CS8795";

    private static string? Classify(SemanticModel model, SyntaxNode node)
    {
        // The name inside `format.MaxValue` shares the member access's conversion: report the member access once.
        if (node.Parent is MemberAccessExpressionSyntax access && access.Name == node) return null;
        if (node is ExpressionSyntax expression && IsImplicitScalar(model, expression))
            return "number converted to a temporary Scalar";
        var op = node switch
        {
            BinaryExpressionSyntax b => model.GetSymbolInfo(b).Symbol,
            AssignmentExpressionSyntax a when !a.IsKind(SyntaxKind.SimpleAssignmentExpression) => model.GetSymbolInfo(a).Symbol,
            PrefixUnaryExpressionSyntax u => model.GetSymbolInfo(u).Symbol,
            _ => null,
        };
        return op is IMethodSymbol { MethodKind: MethodKind.UserDefinedOperator } m
               && IsTensor(m.ContainingType) && m.Parameters.Any(p => p.Type.SpecialType != SpecialType.None)
            ? $"Tensor operator {m.Name} with a number (TorchSharp makes a temporary Scalar)"
            : null;
    }

    private static bool IsImplicitScalar(SemanticModel model, ExpressionSyntax expression)
    {
        var conversion = model.GetConversion(expression);
        return conversion is { IsUserDefined: true, IsImplicit: true }
               && conversion.MethodSymbol?.ContainingType is { Name: "Scalar" } t
               && t.ContainingNamespace.ToDisplayString() == "TorchSharp";
    }

    private static bool IsTensor(INamedTypeSymbol type) =>
        type.Name == "Tensor" && type.ContainingType?.Name == "torch"
        && type.ContainingNamespace.ToDisplayString() == "TorchSharp";

    private static CSharpCompilation Compile(string engineFolder)
    {
        var options = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Preview);
        var sources = Directory.EnumerateFiles(engineFolder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !IsBuildOutput(engineFolder, f))
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), options, f))
            .Append(CSharpSyntaxTree.ParseText(ImplicitUsings, options, "ImplicitUsings.g.cs"));
        // Every assembly the test itself runs with (TorchSharp, MathNet, the framework) except the engine's own build.
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => !Path.GetFileName(p).StartsWith("QuantScope.", StringComparison.Ordinal))
            .Select(p => MetadataReference.CreateFromFile(p));
        return CSharpCompilation.Create("EngineScan", sources, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable,
                allowUnsafe: true));
    }

    private static bool IsBuildOutput(string root, string file)
    {
        var first = Path.GetRelativePath(root, file).Split(Path.DirectorySeparatorChar)[0];
        return first is "bin" or "obj";
    }

    // What <ImplicitUsings>enable</ImplicitUsings> adds to a Microsoft.NET.Sdk project.
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;
}
