using Hangfire.Common;
using Hangfire.Logging;
using Hangfire.Server;
using Hangfire.Storage;

namespace EvaraTech.Infrastructure.Jobs;

/// <summary>
/// At most one run of the job at a time, on any instance; a run that finds another holding the job's lock is skipped
/// (Hangfire records it as deleted) instead of waiting for it. A recurring job comes round again within its schedule, so
/// a skipped run loses nothing, while a waiting one held a worker: after a process was killed mid-job its stale lock
/// made every new run wait out the timeout, until all workers were taken and polling stopped.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class OneAtATimeAttribute : JobFilterAttribute, IServerFilter
{
    private static readonly ILog Log = LogProvider.For<OneAtATimeAttribute>();

    private const string LockItem = "one-at-a-time-lock";

    /// <summary>Long enough to wait out a lock being released, short enough never to matter to a worker.</summary>
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(1);

    public static string Resource(Type jobType) => $"one-at-a-time:{jobType.FullName}";

    public void OnPerforming(PerformingContext context)
    {
        try
        {
            context.Items[LockItem] = context.Connection.AcquireDistributedLock(Resource(context.BackgroundJob.Job.Type), LockWait);
        }
        catch (DistributedLockTimeoutException)
        {
            context.Canceled = true;
            Log.Info($"{context.BackgroundJob.Job.Type.Name} is still running elsewhere; this run is skipped");
        }
    }

    public void OnPerformed(PerformedContext context)
    {
        if (context.Items.TryGetValue(LockItem, out var held) && held is IDisposable handle)
        {
            handle.Dispose();
        }
    }
}
