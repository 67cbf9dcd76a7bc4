using EvaraTech.Application.Errors;
using FluentValidation;
using Mediator;

namespace EvaraTech.Application.Behaviours;

/// <summary>Runs every FluentValidation validator of a message before its handler and reports all failing fields.</summary>
public sealed class ValidationBehaviour<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private readonly IValidator<TMessage>[] _validators = validators as IValidator<TMessage>[] ?? [.. validators];

    public async ValueTask<TResponse> Handle(
        TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (_validators.Length > 0)
        {
            await RequestValidation.EnsureValidAsync(_validators, message, cancellationToken);
        }

        return await next(message, cancellationToken);
    }
}

/// <summary>The validation every message gets, for code that runs a use case outside the pipeline (a batch item).</summary>
public static class RequestValidation
{
    /// <exception cref="RequestValidationException">naming every failing field, as the client sent it (camelCase path)</exception>
    public static async Task EnsureValidAsync<T>(IEnumerable<IValidator<T>> validators, T message, CancellationToken cancellationToken)
    {
        var context = new ValidationContext<T>(message);
        var failures = new List<FieldError>();
        foreach (var validator in validators)
        {
            var result = await validator.ValidateAsync(context, cancellationToken);
            failures.AddRange(result.Errors.Select(e =>
                new FieldError(FieldNames.ToCamelCasePath(e.PropertyName), e.ErrorCode, e.ErrorMessage, SemanticRules.IsSemantic(e.CustomState))));
        }

        if (failures.Count > 0)
        {
            throw new RequestValidationException(failures);
        }
    }
}

/// <summary>
/// Semantic rules answer 422 instead of 400: the value is well formed but makes no sense, such as a time range whose
/// start is after its end or that is wider than its resolution allows. Malformed or out-of-range values stay 400.
/// </summary>
public static class SemanticRules
{
    private static readonly object Semantic = new();

    /// <summary>A failure of this rule is a 422.</summary>
    public static IRuleBuilderOptions<T, TProperty> Unprocessable<T, TProperty>(this IRuleBuilderOptions<T, TProperty> rule) =>
        rule.WithState(_ => Semantic);

    public static bool IsSemantic(object? customState) => ReferenceEquals(customState, Semantic);
}
