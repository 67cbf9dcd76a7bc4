using EvaraTech.Application.Persistence;
using Mediator;

namespace EvaraTech.Application.Behaviours;

/// <summary>
/// One connection and one transaction per command: committed when the handler returns, rolled back when it
/// throws; a command sent by another joins the outer transaction. Queries pass straight through: their reads still run
/// in a transaction the session opens on first use (the caller's context for row-level security), which ends with the
/// request and commits nothing.
/// </summary>
public sealed class UnitOfWorkBehaviour<TMessage, TResponse>(IUnitOfWork unitOfWork)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(
        TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (message is not IBaseCommand)
        {
            return await next(message, cancellationToken);
        }

        return await unitOfWork.RunAsync(() => next(message, cancellationToken).AsTask(), cancellationToken);
    }
}
