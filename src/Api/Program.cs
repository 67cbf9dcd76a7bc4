using EvaraTech.Api.Hosting;
using EvaraTech.Infrastructure;
using EvaraTech.Infrastructure.Migrations;

var builder = WebApplication.CreateBuilder(args);
builder.AddInfrastructure();
builder.AddApi();

var app = builder.Build();

// `EvaraTech.Api migrate`: apply migrations and exit (deployments, ./build.sh migrate).
if (args is ["migrate", ..])
{
    await app.Services.GetRequiredService<DatabaseMigrationService>().MigrateWhenReachableAsync(CancellationToken.None);
    return;
}

await StartupProbe.MigrateAnsweringProbesAsync(app, args);
app.UseApi();
app.Run();

/// <summary>Entry point, visible to the integration tests' host.</summary>
public partial class Program;
