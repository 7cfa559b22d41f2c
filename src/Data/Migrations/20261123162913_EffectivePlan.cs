using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace QuantScope.Data.Migrations
{
    /// <inheritdoc />
    public partial class EffectivePlan : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "plan_json",
                table: "runs",
                type: "TEXT",
                nullable: false,
                defaultValue: "{}");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "plan_json",
                table: "runs");
        }
    }
}
