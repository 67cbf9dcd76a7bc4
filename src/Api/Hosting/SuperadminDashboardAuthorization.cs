using EvaraTech.Application.Security;
using Hangfire.Dashboard;

namespace EvaraTech.Api.Hosting;

/// <summary>The Hangfire dashboard is for superadmins, signed in with the same identity as the API.</summary>
public sealed class SuperadminDashboardAuthorization : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context)
    {
        var user = context.GetHttpContext().RequestServices.GetRequiredService<ICurrentUser>();
        return user.IsAuthenticated && user.Role == Role.Superadmin;
    }
}
