using EvaraTech.Application.Security;
using Mediator;

namespace EvaraTech.Modules.Tenancy.Application.Login;

/// <summary>Password login against the local issuer; answers a Supabase-shaped access token.</summary>
[Anonymous]
public sealed record LoginCommand(string? Email, string? Password) : ICommand<LoginResult>;

public sealed record LoginResult(string AccessToken, string TokenType, DateTimeOffset ExpiresAt, Guid UserId);
