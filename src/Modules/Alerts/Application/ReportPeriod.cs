namespace EvaraTech.Modules.Alerts.Application;

/// <summary>The widest period a report covers (uptime, alert statistics): a year and a day, so a leap year's report fits with its edges.</summary>
internal static class ReportPeriod
{
    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(367);
}
