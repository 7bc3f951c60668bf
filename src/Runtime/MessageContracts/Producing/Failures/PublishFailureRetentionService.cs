using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// Removes records that waited in the <see cref="IPublishFailureLog"/> longer than
/// <see cref="MessageContractsOptions.PublishFailureRetention"/> without being replayed, once at start and then every
/// hour, so a log nobody replays does not grow without bound. Each removal is a warning: those messages are given up.
/// </summary>
internal sealed partial class PublishFailureRetentionService : BackgroundService
{
    internal static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    private readonly IPublishFailureLog log;
    private readonly TimeProvider timeProvider;
    private readonly TimeSpan retention;
    private readonly ILogger<PublishFailureRetentionService> logger;

    public PublishFailureRetentionService(
        IPublishFailureLog log,
        IOptions<MessageContractsOptions> options,
        TimeProvider timeProvider,
        ILogger<PublishFailureRetentionService> logger)
    {
        this.log = log;
        this.timeProvider = timeProvider;
        retention = options.Value.PublishFailureRetention;
        this.logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (retention == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, timeProvider);
        do
        {
            try
            {
                var removed = await log.PurgeAsync(timeProvider.GetUtcNow() - retention, stoppingToken).ConfigureAwait(false);
                if (removed > 0)
                {
                    LogPurged(removed, retention);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // Purging late only costs space; the next round tries again.
                LogPurgeFailed(exception);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removed {Count} message(s) from the publish failure log that failed more than {Retention} ago and were never replayed (MessageContractsOptions.PublishFailureRetention)")]
    private partial void LogPurged(int count, TimeSpan retention);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purging old records from the publish failure log failed; trying again in an hour")]
    private partial void LogPurgeFailed(Exception exception);
}
