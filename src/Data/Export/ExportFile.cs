namespace QuantScope.Data.Export;

/// <summary>An exported file: its bytes, media type and a suggested file name.</summary>
public sealed record ExportFile(byte[] Content, string ContentType, string FileName);
