namespace QuantScope.Web.Setup;

/// <summary>Where QuantScope keeps its data (section "Storage" of appsettings).</summary>
public sealed class StorageOptions
{
    /// <summary>SQLite file; a relative path is taken from the content root (src/Web when started with dotnet run).</summary>
    public string DatabasePath { get; set; } = "data/quantscope.db";
}
