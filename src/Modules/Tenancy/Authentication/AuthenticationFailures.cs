namespace EvaraTech.Modules.Tenancy.Authentication;

/// <summary>Why a request was not authenticated, as the stable codes of the 401 envelope.</summary>
public static class AuthenticationFailures
{
    public const string MissingToken = "UNAUTHORIZED";
    public const string InvalidToken = "INVALID_TOKEN";
    public const string ProfileNotSynchronized = "USER_PROFILE_NOT_SYNCHRONIZED";
    public const string UserInactive = "USER_INACTIVE";

    /// <summary>A valid token whose user the platform refuses; the code goes to the 401 envelope.</summary>
    public sealed class ProfileRefused(string code, string message) : Exception(message)
    {
        public string Code { get; } = code;
    }
}
