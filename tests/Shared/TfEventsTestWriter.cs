using System.Buffers.Binary;
using Google.Protobuf;
using QuantScope.Data.Import.TfEvents;

namespace QuantScope.Tests.Shared;

/// <summary>Builds TensorBoard event files by hand (protobuf fields written one by one) for the tfevents tests.</summary>
internal sealed class TfEventsTestWriter
{
    private readonly MemoryStream _file = new();

    /// <summary>Offsets at which each appended record starts.</summary>
    public List<long> Offsets { get; } = [];

    public byte[] ToArray() => _file.ToArray();

    /// <summary>An Event with only file_version (field 3), as TensorBoard writes first.</summary>
    public TfEventsTestWriter FileVersion() => Append(Message(o =>
    {
        o.WriteTag(1, WireFormat.WireType.Fixed64);
        o.WriteDouble(1700000000.5);
        o.WriteTag(3, WireFormat.WireType.LengthDelimited);
        o.WriteString("brain.Event:2");
    }));

    /// <summary>An Event at <paramref name="step"/> with simple_value scalars.</summary>
    public TfEventsTestWriter Scalars(long step, params (string Tag, float Value)[] values) =>
        Append(EventBytes(step, values.Select(v => Message(o =>
        {
            o.WriteTag(1, WireFormat.WireType.LengthDelimited);
            o.WriteString(v.Tag);
            o.WriteTag(2, WireFormat.WireType.Fixed32);
            o.WriteFloat(v.Value);
        })).ToArray()));

    /// <summary>An Event at <paramref name="step"/> with one scalar float tensor (packed float_val).</summary>
    public TfEventsTestWriter FloatTensor(long step, string tag, float value) =>
        Append(EventBytes(step, TensorValue(tag, Message(o =>
        {
            o.WriteTag(1, WireFormat.WireType.Varint);
            o.WriteEnum(1); // DT_FLOAT
            var packed = new byte[4];
            BinaryPrimitives.WriteSingleLittleEndian(packed, value);
            o.WriteTag(5, WireFormat.WireType.LengthDelimited);
            o.WriteBytes(ByteString.CopyFrom(packed));
        }))));

    /// <summary>An Event at <paramref name="step"/> with one scalar double tensor (tensor_content).</summary>
    public TfEventsTestWriter DoubleContentTensor(long step, string tag, double value) =>
        Append(EventBytes(step, TensorValue(tag, Message(o =>
        {
            o.WriteTag(1, WireFormat.WireType.Varint);
            o.WriteEnum(2); // DT_DOUBLE
            var content = new byte[8];
            BinaryPrimitives.WriteDoubleLittleEndian(content, value);
            o.WriteTag(4, WireFormat.WireType.LengthDelimited);
            o.WriteBytes(ByteString.CopyFrom(content));
        }))));

    /// <summary>Appends a framed record; <paramref name="corruptData"/> flips a data byte after the CRC was computed.</summary>
    public TfEventsTestWriter Append(byte[] data, bool corruptData = false, bool corruptLength = false)
    {
        Offsets.Add(_file.Length);
        var header = new byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), Crc32C.Masked(header.AsSpan(0, 8)) ^ (corruptLength ? 1u : 0u));
        var footer = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32C.Masked(data));
        var body = (byte[])data.Clone();
        if (corruptData) body[body.Length / 2] ^= 0x40;
        _file.Write(header);
        _file.Write(body);
        _file.Write(footer);
        return this;
    }

    /// <summary>The bytes of an Event with scalars at <paramref name="step"/> (to frame by hand).</summary>
    public static byte[] ScalarEvent(long step, string tag, float value) =>
        EventBytes(step, Message(o =>
        {
            o.WriteTag(1, WireFormat.WireType.LengthDelimited);
            o.WriteString(tag);
            o.WriteTag(2, WireFormat.WireType.Fixed32);
            o.WriteFloat(value);
        }));

    private static byte[] TensorValue(string tag, byte[] tensor) => Message(o =>
    {
        o.WriteTag(1, WireFormat.WireType.LengthDelimited);
        o.WriteString(tag);
        o.WriteTag(8, WireFormat.WireType.LengthDelimited);
        o.WriteBytes(ByteString.CopyFrom(tensor));
    });

    private static byte[] EventBytes(long step, params byte[][] values)
    {
        var summary = Message(o =>
        {
            foreach (var value in values)
            {
                o.WriteTag(1, WireFormat.WireType.LengthDelimited);
                o.WriteBytes(ByteString.CopyFrom(value));
            }
        });
        return Message(o =>
        {
            o.WriteTag(1, WireFormat.WireType.Fixed64);
            o.WriteDouble(1700000000.5 + step);
            o.WriteTag(2, WireFormat.WireType.Varint);
            o.WriteInt64(step);
            o.WriteTag(5, WireFormat.WireType.LengthDelimited);
            o.WriteBytes(ByteString.CopyFrom(summary));
        });
    }

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        using (var output = new CodedOutputStream(stream, leaveOpen: true))
        {
            write(output);
        }
        return stream.ToArray();
    }
}
