using System.Data.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// The transactional inbox's side of <see cref="RecordProcessor"/>, used instead of the claim/mark-processed
/// deduplication when an inbox is configured: BEGIN, insert the message ID (a committed duplicate means processed
/// before), run the handlers with the transaction in their <see cref="MessageContext"/>, mark a dead-letter, COMMIT.
/// Any failure of the unit (the database went away, the commit failed) rolls everything back and runs the whole unit
/// again after a pause, until it commits; the caller stores the offset only then.
/// </summary>
internal sealed partial class InboxProcessing : IAsyncDisposable
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(5);

    private readonly IInboxStore? store;
    private readonly TimeProvider timeProvider;
    private readonly string consumerGroup;
    private readonly ILogger<InboxProcessing> logger;

    public InboxProcessing(IOptions<MessageContractsOptions> options, TimeProvider timeProvider, ILogger<InboxProcessing> logger)
    {
        store = options.Value.InboxStore;
        consumerGroup = options.Value.ConsumerGroup;
        this.timeProvider = timeProvider;
        this.logger = logger;
    }

    /// <summary>Whether an inbox is configured; otherwise the claim-based deduplication settles records.</summary>
    public bool Enabled => store is not null;

    /// <summary>
    /// Settles one record in one database transaction; returns its outcome once committed. Throws
    /// <see cref="MessageIdRejectedException"/> (nothing committed) when the inbox table cannot hold the message ID.
    /// </summary>
    /// <param name="record">The record (for logs and metrics).</param>
    /// <param name="messageId">Its <c>ce_id</c>.</param>
    /// <param name="handle">Runs the handlers (or dead-letters) with the transaction; returns the outcome.</param>
    /// <param name="cancellationToken">Stops the unit; it is rolled back and the record is delivered again.</param>
    public async Task<RecordOutcome> ProcessAsync(
        InboundRecord record,
        string messageId,
        Func<DbTransaction, CancellationToken, Task<RecordOutcome>> handle,
        CancellationToken cancellationToken)
    {
        var inbox = store ?? throw new InvalidOperationException("No inbox is configured.");
        var pause = FirstPause;
        while (true)
        {
            try
            {
                var unit = await inbox.TryBeginAsync(consumerGroup, messageId, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                if (unit is null)
                {
                    MessagingTelemetry.DuplicatesDropped.Add(1, MessagingTelemetry.Consumed(record.Source, consumerGroup));
                    LogDuplicate(messageId, record.Source, record.Lane, record.Position);
                    return RecordOutcome.Duplicate;
                }

                await using (unit.ConfigureAwait(false))
                {
                    var outcome = await handle(unit.Transaction, cancellationToken).ConfigureAwait(false);
                    if (outcome == RecordOutcome.DeadLettered)
                    {
                        await inbox.MarkDeadLetteredAsync(unit, consumerGroup, messageId, cancellationToken).ConfigureAwait(false);
                    }

                    await unit.Transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return outcome;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception exception) when (exception is not MessageIdRejectedException)
            {
                // Rolled back (disposing the unit): nothing of this attempt stays, and the offset does not move. A
                // message ID the inbox refuses goes up to the caller, which dead-letters the record.
                LogUnitFailed(exception, messageId, record.Source, record.Lane, record.Position, pause);
                await Task.Delay(pause, timeProvider, cancellationToken).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
            }
        }
    }

    /// <summary>Closes the store's connection pool, if it owns one.</summary>
    public ValueTask DisposeAsync() => store is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Duplicate message {MessageId} ({Topic}[{Partition}]@{Offset}) is in the inbox already; dropped")]
    private partial void LogDuplicate(string messageId, string topic, int partition, long offset);

    [LoggerMessage(Level = LogLevel.Error, Message = "The inbox transaction of message {MessageId} ({Topic}[{Partition}]@{Offset}) failed and was rolled back; running it again in {Pause} (the partition waits, nothing is skipped)")]
    private partial void LogUnitFailed(Exception exception, string messageId, string topic, int partition, long offset, TimeSpan pause);
}

/// <summary>
/// Stands in for the deduplication store when the inbox settles records: only the retention service uses it, and it
/// forgets old inbox rows. The claim methods are never called in that mode.
/// </summary>
internal sealed class InboxRetention(IInboxStore inbox) : IDeduplicationStore
{
    private const string NotUsed = "The transactional inbox settles records; the claim-based deduplication is not used.";

    public Task<IReadOnlyList<DeduplicationClaim>> TryClaimAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease, CancellationToken cancellationToken) =>
        throw new InvalidOperationException(NotUsed);

    public Task<IReadOnlyList<bool>> RenewAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease, CancellationToken cancellationToken) =>
        throw new InvalidOperationException(NotUsed);

    public Task<IReadOnlyList<bool>> MarkProcessedAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, CancellationToken cancellationToken) =>
        throw new InvalidOperationException(NotUsed);

    public Task ReleaseAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken) => inbox.PurgeAsync(olderThan, cancellationToken);
}
