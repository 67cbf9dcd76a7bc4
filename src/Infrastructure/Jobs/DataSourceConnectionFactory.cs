using Hangfire.PostgreSql;
using Npgsql;

namespace EvaraTech.Infrastructure.Jobs;

/// <summary>Hangfire takes its connections from the application's pooled data source: one pool, one set of settings.</summary>
internal sealed class DataSourceConnectionFactory(NpgsqlDataSource dataSource) : IConnectionFactory
{
    public NpgsqlConnection GetOrCreateConnection() => dataSource.CreateConnection();
}
