using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace QuantScope.Data.Migrations.Postgres
{
    /// <summary>
    /// PostgreSQL's schema as SQLite's migrations leave it after CompactSeries (the PostgreSQL store starts there, so
    /// SQLite's earlier steps have no PostgreSQL twin): the same tables, columns, keys, checks, indexes and cascades,
    /// with PostgreSQL's types (text in the "C" collation, bigint identity series ids, bytea arrays, timestamptz).
    /// From here on every migration is added to both sets under the same name (README, "PostgreSQL store").
    /// </summary>
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "runs",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    name = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    kind = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    status = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    config_json = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    layers_json = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    plan_json = table.Column<string>(type: "text", nullable: false, defaultValue: "{}", collation: "C"),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    started_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ended_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    error = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    summary_json = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    tags_json = table.Column<string>(type: "text", nullable: false, defaultValue: "[]", collation: "C"),
                    notes = table.Column<string>(type: "text", nullable: false, defaultValue: "", collation: "C"),
                    last_step = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_runs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "series",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    run_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    kind = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    metric = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    role = table.Column<string>(type: "text", nullable: false, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_series", x => x.id);
                    table.CheckConstraint("ck_series_kind", "kind IN ('scalar', 'layer')");
                    table.ForeignKey(
                        name: "FK_series_runs_run_id",
                        column: x => x.run_id,
                        principalTable: "runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "layer_points",
                columns: table => new
                {
                    series_id = table.Column<long>(type: "bigint", nullable: false),
                    step = table.Column<int>(type: "integer", nullable: false),
                    values = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_layer_points", x => new { x.series_id, x.step });
                    table.CheckConstraint("ck_layer_points_step", "step >= 0");
                    table.ForeignKey(
                        name: "FK_layer_points_series_series_id",
                        column: x => x.series_id,
                        principalTable: "series",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "scalar_points",
                columns: table => new
                {
                    series_id = table.Column<long>(type: "bigint", nullable: false),
                    step = table.Column<int>(type: "integer", nullable: false),
                    value = table.Column<double>(type: "double precision", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scalar_points", x => new { x.series_id, x.step });
                    table.CheckConstraint("ck_scalar_points_step", "step >= 0");
                    table.ForeignKey(
                        name: "FK_scalar_points_series_series_id",
                        column: x => x.series_id,
                        principalTable: "series",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_runs_created_at",
                table: "runs",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ux_series_name",
                table: "series",
                columns: new[] { "run_id", "kind", "metric", "role" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "layer_points");

            migrationBuilder.DropTable(
                name: "scalar_points");

            migrationBuilder.DropTable(
                name: "series");

            migrationBuilder.DropTable(
                name: "runs");
        }
    }
}
