using EvaraTech.Application.Auditing;
using EvaraTech.Application.Security;
using EvaraTech.Infrastructure.Database;
using EvaraTech.Modules.Tenancy.Persistence;
using Mediator;

namespace EvaraTech.Modules.Tenancy.Application.Users;

[RequiresPermission(Permissions.UsersDelete)]
public sealed record DeleteUserCommand(Guid Id, long ExpectedVersion) : ICommand;

public sealed class DeleteUserHandler(ScopedTable<UserDto> users, ICurrentUser user, AuditContext audit) : ICommandHandler<DeleteUserCommand>
{
    public async ValueTask<Unit> Handle(DeleteUserCommand command, CancellationToken cancellationToken)
    {
        audit.Changing(await users.DeleteAsync(command.Id, command.ExpectedVersion, user.Scope, cancellationToken));
        return Unit.Value;
    }
}
