using System.Buffers.Binary;
using Google.Protobuf;

namespace QuantScope.Data.Import.TfEvents;

/// <summary>
/// Reads TensorBoard event files: TFRecord frames (<see cref="TfRecordReader"/>) holding Event protobufs, decoded
/// field by field with <see cref="CodedInputStream"/> (no generated code). Event.step (2) and Event.summary (5) →
/// Summary.value (1, repeated) → Value.tag (1) with simple_value (2) or a scalar tensor (8: TensorProto dtype 1,
/// tensor_content 4, float_val 5, double_val 6). Every tag becomes a scalar metric; non-scalar values (images,
/// histograms, text, tensors of more than one element) are ignored; a frame that is not an Event is skipped.
/// </summary>
public static class TfEventsImporter
{
    private const int DtFloat = 1;
    private const int DtDouble = 2;

    /// <summary>Reads <paramref name="stream"/> (loaded whole: event files are small) into <paramref name="into"/>.</summary>
    public static void Read(Stream stream, ImportedSeries into, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var file = new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
        foreach (var (offset, data) in TfRecordReader.Read(file, (at, reason) => into.Skip($"record at offset {at}", reason)))
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                ReadEvent(data.ToArray(), into, $"record at offset {offset}");
            }
            catch (InvalidProtocolBufferException ex)
            {
                into.Skip($"record at offset {offset}", $"not an Event protobuf ({ex.Message})");
            }
        }
    }

    private static void ReadEvent(byte[] data, ImportedSeries into, string where)
    {
        var input = new CodedInputStream(data);
        long step = 0;
        var summaries = new List<ByteString>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 2 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.Varint: step = input.ReadInt64(); break;
                case 5 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited: summaries.Add(input.ReadBytes()); break;
                default: input.SkipLastField(); break;
            }
        }
        if (summaries.Count == 0) return; // file_version, graph, log messages: nothing to import
        if (step is < 0 or > int.MaxValue)
        {
            into.Skip(where, $"step {step} is out of range 0..{int.MaxValue}");
            return;
        }

        foreach (var summary in summaries)
        {
            var values = summary.CreateCodedInput();
            while ((tag = values.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) == 1 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                {
                    if (ReadValue(values.ReadBytes()) is ({ Length: > 0 } name, { } value)) into.AddScalar((int)step, name, value);
                }
                else values.SkipLastField();
            }
        }
    }

    private static (string Tag, double? Value) ReadValue(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        var name = "";
        double? value = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited: name = input.ReadString(); break;
                case 2 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.Fixed32: value = input.ReadFloat(); break;
                case 8 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited: value = ReadScalarTensor(input.ReadBytes()); break;
                default: input.SkipLastField(); break;
            }
        }
        return (name, value);
    }

    /// <summary>The value of a one-element float or double TensorProto; null for anything else.</summary>
    private static double? ReadScalarTensor(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        var dtype = 0;
        var values = new List<double>();
        ByteString? content = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var wire = WireFormat.GetTagWireType(tag);
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1 when wire == WireFormat.WireType.Varint: dtype = input.ReadEnum(); break;
                case 4 when wire == WireFormat.WireType.LengthDelimited: content = input.ReadBytes(); break;
                case 5 when wire == WireFormat.WireType.Fixed32: values.Add(input.ReadFloat()); break;
                case 5 when wire == WireFormat.WireType.LengthDelimited: Unpack(input.ReadBytes().Span, 4, values); break;
                case 6 when wire == WireFormat.WireType.Fixed64: values.Add(input.ReadDouble()); break;
                case 6 when wire == WireFormat.WireType.LengthDelimited: Unpack(input.ReadBytes().Span, 8, values); break;
                default: input.SkipLastField(); break;
            }
        }
        if (content is not null && dtype is DtFloat or DtDouble) Unpack(content.Span, dtype == DtFloat ? 4 : 8, values);
        return values.Count == 1 ? values[0] : null;
    }

    private static void Unpack(ReadOnlySpan<byte> packed, int width, List<double> into)
    {
        for (var i = 0; i + width <= packed.Length; i += width)
        {
            into.Add(width == 4
                ? BinaryPrimitives.ReadSingleLittleEndian(packed[i..])
                : BinaryPrimitives.ReadDoubleLittleEndian(packed[i..]));
        }
    }
}
