using System.Data.Common;
using Npgsql;

namespace QuantScope.Web.Cluster;

/// <summary>
/// Creates what Orleans' ADO.NET clustering needs in a PostgreSQL database, idempotently: the <c>OrleansQuery</c> table
/// the provider reads its statements from, two tables of our own (membership version per cluster, one row per silo)
/// and the nine statements, by the provider's keys, parameter names and result column names. Versioned writes run in
/// functions: the version row is locked and bumped first, then the silo row written; any miss rolls the whole call
/// back, which the provider treats as a failed attempt and retries. Orleans 10.4 sends no <c>@MetadataJson</c>
/// (an unbound <c>@name</c> would parse as PostgreSQL's <c>@</c> operator): the column is kept, written NULL.
/// </summary>
public static class OrleansPostgresSchema
{
    private const string Tables = """
        CREATE TABLE IF NOT EXISTS OrleansQuery (
            QueryKey varchar(64) PRIMARY KEY,
            QueryText varchar(8000) NOT NULL);
        CREATE TABLE IF NOT EXISTS qs_orleans_cluster (
            deployment_id varchar(150) PRIMARY KEY,
            version integer NOT NULL DEFAULT 0,
            changed_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE IF NOT EXISTS qs_orleans_silo (
            deployment_id varchar(150) NOT NULL REFERENCES qs_orleans_cluster (deployment_id),
            address varchar(45) NOT NULL,
            port integer NOT NULL,
            generation integer NOT NULL,
            silo_name varchar(150) NOT NULL,
            host_name varchar(150) NOT NULL,
            status integer NOT NULL,
            proxy_port integer NULL,
            suspect_times varchar(8000) NULL,
            metadata_json text NULL,
            start_time timestamptz NOT NULL,
            i_am_alive_time timestamptz NOT NULL,
            PRIMARY KEY (deployment_id, address, port, generation));
        """;

    private const string Functions = """
        CREATE OR REPLACE FUNCTION qs_orleans_add_silo(
            p_deployment varchar, p_address varchar, p_port integer, p_generation integer, p_silo_name varchar,
            p_host_name varchar, p_status integer, p_proxy_port integer, p_start timestamptz, p_alive timestamptz,
            p_metadata text, p_version integer) RETURNS integer LANGUAGE plpgsql AS $body$
        BEGIN
            UPDATE qs_orleans_cluster SET version = version + 1, changed_at = now()
            WHERE deployment_id = p_deployment AND version = p_version;
            IF NOT FOUND THEN RETURN 0; END IF; -- someone else changed the table first: the caller re-reads
            INSERT INTO qs_orleans_silo (deployment_id, address, port, generation, silo_name, host_name, status,
                                         proxy_port, metadata_json, start_time, i_am_alive_time)
            VALUES (p_deployment, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status,
                    p_proxy_port, p_metadata, p_start, p_alive);
            RETURN 1; -- a duplicate silo row raises, undoing the version bump
        END $body$;

        CREATE OR REPLACE FUNCTION qs_orleans_change_silo(
            p_deployment varchar, p_address varchar, p_port integer, p_generation integer, p_status integer,
            p_suspects varchar, p_alive timestamptz, p_metadata text, p_version integer) RETURNS integer LANGUAGE plpgsql AS $body$
        BEGIN
            UPDATE qs_orleans_cluster SET version = version + 1, changed_at = now()
            WHERE deployment_id = p_deployment AND version = p_version;
            IF NOT FOUND THEN RETURN 0; END IF;
            UPDATE qs_orleans_silo SET status = p_status, suspect_times = p_suspects, metadata_json = p_metadata,
                                       i_am_alive_time = p_alive
            WHERE deployment_id = p_deployment AND address = p_address AND port = p_port AND generation = p_generation;
            IF NOT FOUND THEN RAISE EXCEPTION 'silo %:% generation % is not in cluster %', p_address, p_port, p_generation, p_deployment; END IF;
            RETURN 1;
        END $body$;
        """;

    private const string SiloColumns = """
        c.deployment_id AS DeploymentId, s.address AS Address, s.port AS Port, s.generation AS Generation,
        s.silo_name AS SiloName, s.host_name AS HostName, s.status AS Status, s.proxy_port AS ProxyPort,
        s.suspect_times AS SuspectTimes, s.metadata_json AS MetadataJson, s.start_time AS StartTime,
        s.i_am_alive_time AS IAmAliveTime, c.version AS Version
        """;

    /// <summary>The statements by the provider's query keys.</summary>
    public static IReadOnlyDictionary<string, string> Queries { get; } = new Dictionary<string, string>
    {
        ["UpdateIAmAlivetimeKey"] = """
            UPDATE qs_orleans_silo SET i_am_alive_time = @IAmAliveTime
            WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation;
            """,
        ["InsertMembershipVersionKey"] = """
            WITH added AS (INSERT INTO qs_orleans_cluster (deployment_id) VALUES (@DeploymentId) ON CONFLICT DO NOTHING RETURNING 1)
            SELECT count(*)::integer FROM added;
            """,
        ["InsertMembershipKey"] = """
            SELECT qs_orleans_add_silo(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status,
                                       @ProxyPort, @StartTime, @IAmAliveTime, NULL, @Version);
            """,
        ["UpdateMembershipKey"] = """
            SELECT qs_orleans_change_silo(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes,
                                          @IAmAliveTime, NULL, @Version);
            """,
        ["MembershipReadRowKey"] = $"""
            SELECT {SiloColumns}
            FROM qs_orleans_cluster c
            LEFT JOIN qs_orleans_silo s ON s.deployment_id = c.deployment_id
                 AND s.address = @Address AND s.port = @Port AND s.generation = @Generation
            WHERE c.deployment_id = @DeploymentId;
            """,
        ["MembershipReadAllKey"] = $"""
            SELECT {SiloColumns}
            FROM qs_orleans_cluster c LEFT JOIN qs_orleans_silo s ON s.deployment_id = c.deployment_id
            WHERE c.deployment_id = @DeploymentId;
            """,
        ["DeleteMembershipTableEntriesKey"] = """
            DELETE FROM qs_orleans_silo WHERE deployment_id = @DeploymentId;
            DELETE FROM qs_orleans_cluster WHERE deployment_id = @DeploymentId;
            """,
        ["GatewaysQueryKey"] = """
            SELECT address AS Address, proxy_port AS ProxyPort, generation AS Generation
            FROM qs_orleans_silo
            WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0;
            """,
        ["CleanupDefunctSiloEntriesKey"] = """
            DELETE FROM qs_orleans_silo
            WHERE deployment_id = @DeploymentId AND i_am_alive_time < @IAmAliveTime AND status <> 3;
            """,
    };

    /// <summary>Creates the tables and functions if missing and (re)writes the statements; safe to run on every start.</summary>
    public static async Task ApplyAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // Workers started together all apply it: one at a time (CREATE ... IF NOT EXISTS alone can race on the catalog).
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(7142053911);", ct);
        await ExecuteAsync(connection, Tables, ct);
        await ExecuteAsync(connection, Functions, ct);
        foreach (var (key, text) in Queries)
        {
            await using var upsert = new NpgsqlCommand(
                "INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ($1, $2) ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;",
                connection);
            upsert.Parameters.Add(new NpgsqlParameter { Value = key });
            upsert.Parameters.Add(new NpgsqlParameter { Value = text });
            await upsert.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }
}
