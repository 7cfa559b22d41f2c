using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace QuantScope.Data.Migrations
{
    /// <inheritdoc />
    public partial class RunTagsNotes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "notes",
                table: "runs",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "tags_json",
                table: "runs",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "notes",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "tags_json",
                table: "runs");
        }
    }
}
