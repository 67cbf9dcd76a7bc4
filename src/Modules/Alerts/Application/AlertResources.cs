namespace EvaraTech.Modules.Alerts.Application;

/// <summary>The resource names errors report.</summary>
internal static class AlertResources
{
    public const string Alert = "Alert";
}
