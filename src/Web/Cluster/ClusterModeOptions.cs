using QuantScope.Engine.Telemetry;
namespace QuantScope.Web.Cluster;

/// <summary>
/// Cluster settings bound from appsettings section <c>Cluster</c> (named so to stay clear of Orleans' own
/// <c>ClusterOptions</c>). The dashboard reads <see cref="Enabled"/> and the connection; the <c>worker</c> verb reads all.
/// </summary>
public sealed class ClusterModeOptions
{
    /// <summary>Section name in appsettings.</summary>
    public const string Section = "Cluster";

    /// <summary>Sweeps hand their runs to the cluster's workers instead of training them in the dashboard process.</summary>
    public bool Enabled { get; set; }

    /// <summary>ADO.NET connection string of the membership database (PostgreSQL); empty = no Orleans client is started (tests supply one).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>ADO.NET invariant name of the membership database driver.</summary>
    public string Invariant { get; set; } = "Npgsql";

    /// <summary>Orleans cluster id: workers and dashboard of one cluster share it.</summary>
    public string ClusterId { get; set; } = "quantscope";

    /// <summary>Orleans service id (stable across deployments).</summary>
    public string ServiceId { get; set; } = "quantscope";

    /// <summary>Folder every worker can reach (a shared filesystem in production) holding run checkpoints, so another worker can resume a run.</summary>
    public string? CheckpointRoot { get; set; }

    /// <summary>Runs one worker trains at the same time (each takes a thread and its memory).</summary>
    public int Slots { get; set; } = 1;

    /// <summary>Name shown for this worker (empty = the machine name and silo port).</summary>
    public string? WorkerName { get; set; }

    /// <summary>Silo-to-silo port of this worker (0 = a free port).</summary>
    public int SiloPort { get; set; }

    /// <summary>Client gateway port of this worker (0 = a free port).</summary>
    public int GatewayPort { get; set; }

    /// <summary>Seconds between a worker's announcements (devices, slots, running jobs) to the directory.</summary>
    public double HeartbeatSeconds { get; set; } = 2;

    /// <summary>Seconds between the dashboard's checks on each job (progress, end, a lost worker).</summary>
    public double PollSeconds { get; set; } = 1;

    /// <summary>Validates once at start-up; the messages name the field.</summary>
    public IReadOnlyList<ConfigError> Validate()
    {
        var errors = new List<ConfigError>();
        if (Slots is < 1 or > 64) errors.Add(new("Cluster:Slots", $"must be 1..64 (got {Slots})"));
        if (SiloPort is < 0 or > 65535) errors.Add(new("Cluster:SiloPort", $"must be 0..65535 (got {SiloPort})"));
        if (GatewayPort is < 0 or > 65535) errors.Add(new("Cluster:GatewayPort", $"must be 0..65535 (got {GatewayPort})"));
        if (HeartbeatSeconds is <= 0 or > 300 || double.IsNaN(HeartbeatSeconds)) errors.Add(new("Cluster:HeartbeatSeconds", $"must be in (0, 300] (got {HeartbeatSeconds})"));
        if (PollSeconds is <= 0 or > 300 || double.IsNaN(PollSeconds)) errors.Add(new("Cluster:PollSeconds", $"must be in (0, 300] (got {PollSeconds})"));
        if (string.IsNullOrWhiteSpace(ClusterId)) errors.Add(new("Cluster:ClusterId", "must not be empty"));
        if (string.IsNullOrWhiteSpace(ServiceId)) errors.Add(new("Cluster:ServiceId", "must not be empty"));
        return errors;
    }
}
