using EvaraTech.Modules.Tenancy.Persistence;

namespace EvaraTech.Modules.Tenancy.Application.DeleteUser;

[RequiresPermission(Permissions.UsersDelete)]
[Audited(AuditAction.Delete, "user")]
public sealed record DeleteUserCommand(Guid Id, long ExpectedVersion) : ICommand;

public sealed class DeleteUserHandler(ScopedTable<UserDto> users, ICurrentUser user, AuditContext audit) : ICommandHandler<DeleteUserCommand>
{
    public async ValueTask<Unit> Handle(DeleteUserCommand command, CancellationToken cancellationToken)
    {
        audit.Changing(await users.DeleteAsync(command.Id, command.ExpectedVersion, user.Scope, cancellationToken));
        return Unit.Value;
    }
}
