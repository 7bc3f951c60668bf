namespace MessageContracts;

/// <summary>
/// The durable log of messages that Kafka did not acknowledge under <see cref="PublishFailurePolicy.LogFailure"/>,
/// read by <see cref="IPublishFailureReplayer"/>.
/// </summary>
/// <remarks>
/// Implementations: <see cref="SqlitePublishFailureLog"/> (the default: a SQLite file per service),
/// <c>PostgreSqlPublishFailureLog</c> (package MessageContracts.PostgreSql; shared by the instances of a
/// service), and <see cref="InMemoryPublishFailureLog"/> (tests and demos only: it loses its records on restart).
/// Set one with <see cref="MessageContractsOptions.PublishFailureLog"/>; the container hands out the one in use.
/// </remarks>
public interface IPublishFailureLog
{
    /// <summary>
    /// Stores <paramref name="record"/> durably and assigns its <see cref="PublishFailureRecord.Sequence"/>.
    /// Appending a message ID that is already in the log changes nothing.
    /// </summary>
    /// <param name="record">The record; its <see cref="PublishFailureRecord.Sequence"/> is ignored.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when the record was added; <see langword="false"/> when its ID was already there.</returns>
    Task<bool> AppendAsync(PublishFailureRecord record, CancellationToken cancellationToken);

    /// <summary>Reads up to <paramref name="maxCount"/> records with a sequence above <paramref name="afterSequence"/>, oldest first.</summary>
    /// <param name="afterSequence">Where to start: 0 for the beginning, or the last sequence read to page on.</param>
    /// <param name="maxCount">The most records to return; at least 1.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records, in sequence order; empty when there are no more.</returns>
    Task<IReadOnlyList<PublishFailureRecord>> ReadAsync(long afterSequence, int maxCount, CancellationToken cancellationToken);

    /// <summary>Counts the records in the log.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>How many records the log holds.</returns>
    Task<int> CountAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Records that another attempt to deliver a logged message failed: adds one to its
    /// <see cref="PublishFailureRecord.Attempts"/> and updates its reason and <see cref="PublishFailureRecord.LastAttemptAt"/>.
    /// </summary>
    /// <param name="messageId">The message ID.</param>
    /// <param name="reason">Why the attempt failed.</param>
    /// <param name="attemptedAt">When it failed.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when the record was found and updated.</returns>
    Task<bool> RecordFailedAttemptAsync(string messageId, string reason, DateTimeOffset attemptedAt, CancellationToken cancellationToken);

    /// <summary>Removes records once Kafka has acknowledged them (or an operator gave up on them).</summary>
    /// <param name="messageIds">The message IDs to remove; IDs not in the log are skipped.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>How many records were removed.</returns>
    Task<int> RemoveAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the records whose first failure (<see cref="PublishFailureRecord.FailedAt"/>) is before
    /// <paramref name="failedBefore"/>: messages that waited longer than the log's retention
    /// (<see cref="MessageContractsOptions.PublishFailureRetention"/>) and were never replayed. Replayed records are
    /// already gone: a replay removes each record once Kafka acknowledged it.
    /// </summary>
    /// <param name="failedBefore">The cut-off: records that failed first at or after it stay.</param>
    /// <param name="cancellationToken">Cancels the purge; what was removed so far stays removed.</param>
    /// <returns>How many records were removed.</returns>
    /// <remarks>
    /// The default implementation pages through the log with <see cref="ReadAsync"/> and removes with
    /// <see cref="RemoveAsync"/>, for logs written before this member existed; the built-in logs run one statement.
    /// </remarks>
    async Task<int> PurgeAsync(DateTimeOffset failedBefore, CancellationToken cancellationToken)
    {
        var removed = 0;
        long after = 0;
        while (true)
        {
            var page = await ReadAsync(after, 256, cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                return removed;
            }

            after = page[^1].Sequence;
            var expired = page.Where(record => record.FailedAt < failedBefore).Select(record => record.MessageId).ToList();
            removed += await RemoveAsync(expired, cancellationToken).ConfigureAwait(false);
        }
    }
}
