using System.Text.Json.Serialization;

namespace EvaraTech.Modules.Tenancy.Application.Login;

/// <summary>Password login against the local issuer; answers a Supabase-shaped access token.</summary>
// Recorded by the Audit module from the authentication events, failures included.
[Anonymous]
[AuditedElsewhere]
public sealed record LoginCommand(string? Email, string? Password) : ICommand<LoginResult>
{
    /// <summary>Set by the endpoint from the connection, never from the body; for the audit trail.</summary>
    [JsonIgnore]
    public string? ClientAddress { get; init; }

    [JsonIgnore]
    public string? UserAgent { get; init; }
}

public sealed record LoginResult(string AccessToken, string TokenType, DateTimeOffset ExpiresAt, Guid UserId);
