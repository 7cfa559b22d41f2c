using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace QuantScope.Data.Migrations
{
    /// <summary>
    /// Names each metric series once in a new <c>series</c> table (integer id, run, kind, metric, role) and keys the
    /// point tables by (series_id, step) as WITHOUT ROWID tables: the run's GUID text, metric and role were stored in
    /// every point row, twice (rowid table + primary-key index), ~7.3 bytes per value; now ~4.8. Existing points are
    /// moved, not dropped. EF cannot declare WITHOUT ROWID, so the point tables are raw SQL; the model snapshot
    /// describes the same columns, keys and foreign keys.
    /// </summary>
    public partial class CompactSeries : Migration
    {
        private const string CreateLayerPoints = """
            CREATE TABLE "layer_points" (
                "series_id" INTEGER NOT NULL,
                "step" INTEGER NOT NULL,
                "values" BLOB NOT NULL,
                CONSTRAINT "PK_layer_points" PRIMARY KEY ("series_id", "step"),
                CONSTRAINT "ck_layer_points_step" CHECK (step >= 0),
                CONSTRAINT "FK_layer_points_series_series_id" FOREIGN KEY ("series_id") REFERENCES "series" ("id") ON DELETE CASCADE
            ) WITHOUT ROWID;
            """;

        private const string CreateScalarPoints = """
            CREATE TABLE "scalar_points" (
                "series_id" INTEGER NOT NULL,
                "step" INTEGER NOT NULL,
                "value" REAL NULL,
                CONSTRAINT "PK_scalar_points" PRIMARY KEY ("series_id", "step"),
                CONSTRAINT "ck_scalar_points_step" CHECK (step >= 0),
                CONSTRAINT "FK_scalar_points_series_series_id" FOREIGN KEY ("series_id") REFERENCES "series" ("id") ON DELETE CASCADE
            ) WITHOUT ROWID;
            """;

        /// <summary>The tables of <c>20261123151941_InitialCreate</c>, for <see cref="Down"/>.</summary>
        private const string CreateOldLayerPoints = """
            CREATE TABLE "layer_points_v2" (
                "run_id" TEXT NOT NULL,
                "metric" TEXT NOT NULL,
                "role" TEXT NOT NULL,
                "step" INTEGER NOT NULL,
                "values" BLOB NOT NULL,
                CONSTRAINT "PK_layer_points" PRIMARY KEY ("run_id", "metric", "role", "step"),
                CONSTRAINT "ck_layer_points_step" CHECK (step >= 0),
                CONSTRAINT "FK_layer_points_runs_run_id" FOREIGN KEY ("run_id") REFERENCES "runs" ("id") ON DELETE CASCADE
            );
            """;

        private const string CreateOldScalarPoints = """
            CREATE TABLE "scalar_points_v2" (
                "run_id" TEXT NOT NULL,
                "metric" TEXT NOT NULL,
                "step" INTEGER NOT NULL,
                "value" REAL NULL,
                CONSTRAINT "PK_scalar_points" PRIMARY KEY ("run_id", "metric", "step"),
                CONSTRAINT "ck_scalar_points_step" CHECK (step >= 0),
                CONSTRAINT "FK_scalar_points_runs_run_id" FOREIGN KEY ("run_id") REFERENCES "runs" ("id") ON DELETE CASCADE
            );
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""ALTER TABLE "layer_points" RENAME TO "layer_points_v1";""");
            migrationBuilder.Sql("""ALTER TABLE "scalar_points" RENAME TO "scalar_points_v1";""");

            migrationBuilder.CreateTable(
                name: "series",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    run_id = table.Column<string>(type: "TEXT", nullable: false),
                    kind = table.Column<string>(type: "TEXT", nullable: false),
                    metric = table.Column<string>(type: "TEXT", nullable: false),
                    role = table.Column<string>(type: "TEXT", nullable: false)
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

            migrationBuilder.CreateIndex(
                name: "ux_series_name",
                table: "series",
                columns: new[] { "run_id", "kind", "metric", "role" },
                unique: true);

            migrationBuilder.Sql(CreateLayerPoints);
            migrationBuilder.Sql(CreateScalarPoints);

            // Points of a run that no longer exists (possible only if foreign keys were ever off) are left behind.
            migrationBuilder.Sql("""
                INSERT INTO "series" ("run_id", "kind", "metric", "role")
                SELECT DISTINCT "run_id", 'scalar', "metric", '' FROM "scalar_points_v1"
                WHERE "run_id" IN (SELECT "id" FROM "runs")
                ORDER BY 1, 3;
                """);
            migrationBuilder.Sql("""
                INSERT INTO "series" ("run_id", "kind", "metric", "role")
                SELECT DISTINCT "run_id", 'layer', "metric", "role" FROM "layer_points_v1"
                WHERE "run_id" IN (SELECT "id" FROM "runs")
                ORDER BY 1, 3, 4;
                """);
            // In key order, so the new b-trees fill their pages as an append would.
            migrationBuilder.Sql("""
                INSERT INTO "scalar_points" ("series_id", "step", "value")
                SELECT s."id", p."step", p."value"
                FROM "scalar_points_v1" AS p
                JOIN "series" AS s ON s."run_id" = p."run_id" AND s."kind" = 'scalar' AND s."metric" = p."metric" AND s."role" = ''
                ORDER BY s."id", p."step";
                """);
            migrationBuilder.Sql("""
                INSERT INTO "layer_points" ("series_id", "step", "values")
                SELECT s."id", p."step", p."values"
                FROM "layer_points_v1" AS p
                JOIN "series" AS s ON s."run_id" = p."run_id" AND s."kind" = 'layer' AND s."metric" = p."metric" AND s."role" = p."role"
                ORDER BY s."id", p."step";
                """);

            migrationBuilder.Sql("""DROP TABLE "scalar_points_v1";""");
            migrationBuilder.Sql("""DROP TABLE "layer_points_v1";""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(CreateOldScalarPoints);
            migrationBuilder.Sql(CreateOldLayerPoints);
            migrationBuilder.Sql("""
                INSERT INTO "scalar_points_v2" ("run_id", "metric", "step", "value")
                SELECT s."run_id", s."metric", p."step", p."value"
                FROM "scalar_points" AS p JOIN "series" AS s ON s."id" = p."series_id";
                """);
            migrationBuilder.Sql("""
                INSERT INTO "layer_points_v2" ("run_id", "metric", "role", "step", "values")
                SELECT s."run_id", s."metric", s."role", p."step", p."values"
                FROM "layer_points" AS p JOIN "series" AS s ON s."id" = p."series_id";
                """);

            migrationBuilder.Sql("""DROP TABLE "scalar_points";""");
            migrationBuilder.Sql("""DROP TABLE "layer_points";""");
            migrationBuilder.DropTable(name: "series");
            migrationBuilder.Sql("""ALTER TABLE "scalar_points_v2" RENAME TO "scalar_points";""");
            migrationBuilder.Sql("""ALTER TABLE "layer_points_v2" RENAME TO "layer_points";""");
        }
    }
}
