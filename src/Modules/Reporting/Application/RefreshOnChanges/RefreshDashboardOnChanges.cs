using EvaraTech.Modules.Alerts.Contracts;
using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Reporting.Jobs;

namespace EvaraTech.Modules.Reporting.Application.RefreshOnChanges;

/// <summary>The changes that move the dashboard's figures ask for a refresh.</summary>
public sealed class RefreshDashboardOnChanges(DashboardRefreshRequests requests)
    : IIntegrationEventHandler<NodeStatusChanged>, IIntegrationEventHandler<AlertRaised>, IIntegrationEventHandler<AlertResolved>
{
    public Task HandleAsync(NodeStatusChanged integrationEvent, CancellationToken cancellationToken) => RequestAsync();

    public Task HandleAsync(AlertRaised integrationEvent, CancellationToken cancellationToken) => RequestAsync();

    public Task HandleAsync(AlertResolved integrationEvent, CancellationToken cancellationToken) => RequestAsync();

    private Task RequestAsync()
    {
        requests.Request();
        return Task.CompletedTask;
    }
}
