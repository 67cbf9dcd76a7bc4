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
        if (_validators.Length == 0)
        {
            return await next(message, cancellationToken);
        }

        var context = new ValidationContext<TMessage>(message);
        var failures = new List<FieldError>();
        foreach (var validator in _validators)
        {
            var result = await validator.ValidateAsync(context, cancellationToken);
            failures.AddRange(result.Errors.Select(e =>
                new FieldError(FieldNames.ToCamelCasePath(e.PropertyName), e.ErrorCode, e.ErrorMessage)));
        }

        if (failures.Count > 0)
        {
            throw new RequestValidationException(failures);
        }

        return await next(message, cancellationToken);
    }
}
