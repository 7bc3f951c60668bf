using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// Forgets processed message IDs older than <see cref="MessageContractsOptions.DeduplicationRetention"/>, once at
/// start and then every hour, so the store does not grow without bound.
/// </summary>
internal sealed partial class DeduplicationRetentionService(
    IDeduplicationStore store,
    IOptions<MessageContractsOptions> options,
    TimeProvider timeProvider,
    ILogger<DeduplicationRetentionService> logger)
    : PeriodicPurgeService(timeProvider, options.Value.DeduplicationRetention)
{
    private readonly ILogger<DeduplicationRetentionService> logger = logger;

    protected override Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => store.PurgeAsync(cutoff, cancellationToken);

    protected override void OnPurged(int count) => LogPurged(count, Retention);

    protected override void OnPurgeFailed(Exception exception) => LogPurgeFailed(exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Forgot {Count} processed message ID(s) older than {Retention}")]
    private partial void LogPurged(int count, TimeSpan retention);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purging old processed message IDs failed; trying again in an hour")]
    private partial void LogPurgeFailed(Exception exception);
}
