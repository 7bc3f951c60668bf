using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// Forgets processed message IDs older than <see cref="MessageContractsOptions.DeduplicationRetention"/>, once at
/// start and then every hour, so the store does not grow without bound.
/// </summary>
internal sealed partial class DeduplicationRetentionService : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    private readonly IDeduplicationStore store;
    private readonly TimeProvider timeProvider;
    private readonly MessageContractsOptions options;
    private readonly ILogger<DeduplicationRetentionService> logger;

    public DeduplicationRetentionService(
        IDeduplicationStore store,
        IOptions<MessageContractsOptions> options,
        TimeProvider timeProvider,
        ILogger<DeduplicationRetentionService> logger)
    {
        this.store = store;
        this.timeProvider = timeProvider;
        this.options = options.Value;
        this.logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, timeProvider);
        do
        {
            try
            {
                var removed = await store.PurgeAsync(timeProvider.GetUtcNow() - options.DeduplicationRetention, stoppingToken).ConfigureAwait(false);
                if (removed > 0)
                {
                    LogPurged(removed, options.DeduplicationRetention);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Forgot {Count} processed message ID(s) older than {Retention}")]
    private partial void LogPurged(int count, TimeSpan retention);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purging old processed message IDs failed; trying again in an hour")]
    private partial void LogPurgeFailed(Exception exception);
}
