namespace EvaraTech.Application.Security;

/// <summary>A user's role, always read from the database (never from token claims).</summary>
public enum Role
{
    Superadmin,
    Distributor,
    Customer,
}
