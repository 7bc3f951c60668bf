using Microsoft.Extensions.Hosting;

namespace MessageContracts;

/// <summary>
/// Removes what is older than a retention, once at start and then every <see cref="Interval"/>, so a table nobody
/// cleans does not grow without bound. A failed round is reported and tried again at the next tick: purging late only
/// costs space. The subclasses say what is purged and how it is logged.
/// </summary>
internal abstract class PeriodicPurgeService(TimeProvider timeProvider, TimeSpan retention) : BackgroundService
{
    /// <summary>How often a purge runs after the first one at start.</summary>
    internal static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>How old a row must be to go; <see cref="Timeout.InfiniteTimeSpan"/> keeps every row.</summary>
    protected TimeSpan Retention { get; } = retention;

    /// <summary>Removes what is older than <paramref name="cutoff"/>; returns how many rows went.</summary>
    protected abstract Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>Reports a round that removed <paramref name="count"/> rows (never called for none).</summary>
    protected abstract void OnPurged(int count);

    /// <summary>Reports a round that failed; the next tick tries again.</summary>
    protected abstract void OnPurgeFailed(Exception exception);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Retention == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, timeProvider);
        do
        {
            try
            {
                var removed = await PurgeAsync(timeProvider.GetUtcNow() - Retention, stoppingToken).ConfigureAwait(false);
                if (removed > 0)
                {
                    OnPurged(removed);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                OnPurgeFailed(exception);
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
