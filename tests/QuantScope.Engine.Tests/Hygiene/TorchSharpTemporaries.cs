using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace QuantScope.Engine.Tests.Hygiene;

/// <summary>
/// Reads TorchSharp's IL and lists its methods that make a temporary <c>Scalar</c> from a number, themselves or
/// through TorchSharp methods they call (e.g. <c>Tensor.square()</c> is <c>pow(2)</c>). Calling one of them has the
/// same GC race as passing a number to an op (see <see cref="ImplicitScalarScanner"/>). A method is named by its
/// type, name and parameter types ("TorchSharp.torch+Tensor::add(Tensor)").
/// </summary>
internal static class TorchSharpTemporaries
{
    private static readonly Dictionary<short, OperandType> Operands = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    /// <summary>The names of every TorchSharp method that makes a temporary Scalar, directly or through its callees.</summary>
    public static IReadOnlySet<string> Find()
    {
        var path = typeof(TorchSharp.Scalar).Assembly.Location;
        using var pe = new PEReader(File.OpenRead(path));
        var md = pe.GetMetadataReader();
        var calls = new Dictionary<MethodDefinitionHandle, List<MethodDefinitionHandle>>();
        var makes = new HashSet<MethodDefinitionHandle>();
        foreach (var handle in md.MethodDefinitions)
        {
            var method = md.GetMethodDefinition(handle);
            if (method.RelativeVirtualAddress == 0) continue;
            var callees = new List<MethodDefinitionHandle>();
            foreach (var callee in Callees(pe.GetMethodBody(method.RelativeVirtualAddress).GetILReader()))
            {
                if (callee.Kind != HandleKind.MethodDefinition) continue;
                var target = (MethodDefinitionHandle)callee;
                if (IsScalarFromNumber(md, target)) makes.Add(handle);
                else callees.Add(target);
            }
            calls[handle] = callees;
        }

        // Callers of a maker make temporaries too: propagate up the call graph to a fixed point.
        var callers = calls.SelectMany(c => c.Value.Select(t => (Callee: t, Caller: c.Key))).ToLookup(e => e.Callee, e => e.Caller);
        var queue = new Queue<MethodDefinitionHandle>(makes);
        while (queue.TryDequeue(out var m))
            foreach (var caller in callers[m])
                if (!IsScalarFromNumber(md, caller) && makes.Add(caller)) queue.Enqueue(caller);
        return makes.Where(m => !IsScalarFromNumber(md, m)).Select(m => Name(md, m)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The naming shared with the Roslyn side: "Namespace.Type+Nested::name(Double,Nullable`1&lt;Scalar&gt;)".</summary>
    public static string Name(string typeName, string method, IEnumerable<string> parameters) =>
        $"{typeName}::{method}({string.Join(",", parameters)})";

    // Scalar's implicit conversions and the ToScalar extension methods: where a number becomes a Scalar.
    private static bool IsScalarFromNumber(MetadataReader md, MethodDefinitionHandle handle)
    {
        var method = md.GetMethodDefinition(handle);
        var type = md.GetTypeDefinition(method.GetDeclaringType());
        var typeName = md.GetString(type.Name);
        var name = md.GetString(method.Name);
        return (typeName == "Scalar" && name == "op_Implicit") || (typeName == "ScalarExtensionMethods" && name == "ToScalar");
    }

    private static string Name(MetadataReader md, MethodDefinitionHandle handle)
    {
        var method = md.GetMethodDefinition(handle);
        var parameters = method.DecodeSignature(new NameProvider(md), null).ParameterTypes;
        return Name(TypeName(md, method.GetDeclaringType()), md.GetString(method.Name), parameters);
    }

    private static string TypeName(MetadataReader md, TypeDefinitionHandle handle)
    {
        var type = md.GetTypeDefinition(handle);
        var name = md.GetString(type.Name);
        var outer = type.GetDeclaringType();
        return outer.IsNil ? $"{md.GetString(type.Namespace)}.{name}" : $"{TypeName(md, outer)}+{name}";
    }

    private static IEnumerable<EntityHandle> Callees(BlobReader il)
    {
        var found = new List<EntityHandle>();
        while (il.RemainingBytes > 0)
        {
            short code = il.ReadByte();
            if (code == 0xFE) code = unchecked((short)(0xFE00 | il.ReadByte()));
            var operand = Operands[code];
            if (code is 0x28 or 0x6F or 0x73) // call, callvirt, newobj
            {
                found.Add(MetadataTokens.EntityHandle(il.ReadInt32()));
                continue;
            }
            Skip(ref il, operand);
        }
        return found;
    }

    private static void Skip(ref BlobReader il, OperandType operand)
    {
        switch (operand)
        {
            case OperandType.InlineNone: break;
            case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: il.Offset += 1; break;
            case OperandType.InlineVar: il.Offset += 2; break;
            case OperandType.InlineI8 or OperandType.InlineR: il.Offset += 8; break;
            case OperandType.InlineSwitch:
                var targets = il.ReadInt32(); // read first: `Offset += ReadInt32()` would lose the read's own advance
                il.Offset += 4 * targets;
                break;
            default: il.Offset += 4; break; // tokens, 32-bit branches and constants
        }
    }

    // Parameter types by simple metadata name ("Double", "Nullable`1<Scalar>", "Int64[]"), as SignatureOf writes them.
    private sealed class NameProvider(MetadataReader md) : ISignatureTypeProvider<string, object?>
    {
        public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[,]";
        public string GetByReferenceType(string elementType) => elementType + "&";
        public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";
        public string GetGenericInstantiation(string genericType, System.Collections.Immutable.ImmutableArray<string> typeArguments) =>
            $"{genericType}<{string.Join(",", typeArguments)}>";
        public string GetGenericMethodParameter(object? genericContext, int index) => "!!" + index;
        public string GetGenericTypeParameter(object? genericContext, int index) => "!" + index;
        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
        public string GetPinnedType(string elementType) => elementType;
        public string GetPointerType(string elementType) => elementType + "*";
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();
        public string GetSZArrayType(string elementType) => elementType + "[]";
        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) =>
            md.GetString(md.GetTypeDefinition(handle).Name);
        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) =>
            md.GetString(md.GetTypeReference(handle).Name);
        public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) => "spec";
    }
}
