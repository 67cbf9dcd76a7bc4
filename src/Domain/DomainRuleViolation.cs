namespace EvaraTech.Domain;

/// <summary>
/// A business rule an aggregate refuses to break. Carries a stable code and, where one input is to blame,
/// the name of that field, so the API can answer 422 naming it.
/// </summary>
public sealed class DomainRuleViolation(string code, string message, string? field = null) : Exception(message)
{
    public string Code { get; } = code;

    public string? Field { get; } = field;
}
