using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// Removes records that waited in the <see cref="IPublishFailureLog"/> longer than
/// <see cref="MessageContractsOptions.PublishFailureRetention"/> without being replayed, once at start and then every
/// hour, so a log nobody replays does not grow without bound. Each removal is a warning: those messages are given up.
/// </summary>
internal sealed partial class PublishFailureRetentionService(
    IPublishFailureLog log,
    IOptions<MessageContractsOptions> options,
    TimeProvider timeProvider,
    ILogger<PublishFailureRetentionService> logger)
    : PeriodicPurgeService(timeProvider, options.Value.PublishFailureRetention)
{
    private readonly ILogger<PublishFailureRetentionService> logger = logger;

    protected override Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => log.PurgeAsync(cutoff, cancellationToken);

    protected override void OnPurged(int count) => LogPurged(count, Retention);

    protected override void OnPurgeFailed(Exception exception) => LogPurgeFailed(exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removed {Count} message(s) from the publish failure log that failed more than {Retention} ago and were never replayed (MessageContractsOptions.PublishFailureRetention)")]
    private partial void LogPurged(int count, TimeSpan retention);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purging old records from the publish failure log failed; trying again in an hour")]
    private partial void LogPurgeFailed(Exception exception);
}
