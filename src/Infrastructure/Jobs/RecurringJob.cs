using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EvaraTech.Infrastructure.Jobs;

/// <summary>
/// A recurring job declares itself beside its work: its id, and its schedule and the public method Hangfire calls
/// (Hangfire runs only public methods of the job's own type, so the declaration names that method itself).
/// <see cref="RecurringJobs.AddRecurringJob{TJob}"/> is the one way to register it.
/// </summary>
public interface IRecurringJob
{
    static abstract string Id { get; }

    /// <summary>Declares the job on its schedule, e.g. <c>jobs.AddOrUpdate&lt;T&gt;(Id, job => job.RunAsync(…), Cron.Minutely())</c>.</summary>
    static abstract void Declare(IRecurringJobManager jobs);
}

/// <summary>A recurring job's id and how to declare it to Hangfire, collected by <see cref="RecurringJobsRegistration"/>.</summary>
public sealed record ScheduledJob(string Id, Action<IRecurringJobManager> Declare);

public static class RecurringJobs
{
    /// <summary>Registers <typeparamref name="TJob"/> (with <paramref name="lifetime"/>) and declares it on its schedule at start-up.</summary>
    public static IServiceCollection AddRecurringJob<TJob>(this IServiceCollection services, ServiceLifetime lifetime = ServiceLifetime.Transient)
        where TJob : class, IRecurringJob
    {
        services.TryAdd(new ServiceDescriptor(typeof(TJob), typeof(TJob), lifetime));
        services.AddSingleton(new ScheduledJob(TJob.Id, TJob.Declare));
        return services;
    }
}
