namespace EvaraTech.Modules.Tenancy.Authentication;

/// <summary>What the login handler has recorded of the request in hand (one per request).</summary>
public sealed class LoginAttempt
{
    public string? Email { get; set; }

    /// <summary>Set once the attempt's outcome is on its way to the audit trail.</summary>
    public bool Audited { get; set; }
}
