using EvaraTech.Modules.Tenancy.Authentication;

// Deliberately wrong: a type posing as part of the Nodes module that reaches into Tenancy's internals. Only the
// rule self-tests look at this namespace; it proves the module rule can fail.
namespace EvaraTech.Modules.Nodes.PlantedViolation;

internal sealed class NodesTypeUsingTenancy(LocalTokenIssuer issuer)
{
    public LocalTokenIssuer Issuer { get; } = issuer;
}

/// <summary>Deliberately wrong: "domain" code that depends on a database driver.</summary>
internal sealed class DomainTypeUsingNpgsql
{
    public Npgsql.NpgsqlConnection? Connection { get; init; }
}
