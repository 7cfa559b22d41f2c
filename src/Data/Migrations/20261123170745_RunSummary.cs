using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace QuantScope.Data.Migrations
{
    /// <inheritdoc />
    public partial class RunSummary : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "summary_json",
                table: "runs",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "summary_json",
                table: "runs");
        }
    }
}
