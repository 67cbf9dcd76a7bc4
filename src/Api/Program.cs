using EvaraTech.Api.Hosting;
using EvaraTech.Infrastructure;
using EvaraTech.Infrastructure.Database;
using EvaraTech.Infrastructure.Migrations;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);
builder.AddInfrastructure();
builder.AddApi();

var app = builder.Build();

// `EvaraTech.Api migrate`: apply migrations and exit (deployments, ./build.sh migrate).
if (args is ["migrate", ..])
{
    var options = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
    MigrationRunner.Run(
        ConnectionStrings.Migrations(app.Configuration),
        DatabaseMigrationService.ResolveFolder(options.MigrationsPath),
        app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Migrations"));
    return;
}

app.UseApi();
app.Run();

/// <summary>Entry point, visible to the integration tests' host.</summary>
public partial class Program;
