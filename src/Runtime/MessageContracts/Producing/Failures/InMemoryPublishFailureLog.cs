namespace MessageContracts;

/// <summary>
/// An <see cref="IPublishFailureLog"/> in process memory, for tests and demos only: its records are lost when
/// the process ends, which defeats the purpose of <see cref="PublishFailurePolicy.LogFailure"/> in production.
/// </summary>
public sealed class InMemoryPublishFailureLog : IPublishFailureLog
{
    private readonly object gate = new();
    private readonly SortedDictionary<long, PublishFailureRecord> bySequence = [];
    private readonly Dictionary<string, long> sequenceById = new(StringComparer.Ordinal);
    private long lastSequence;

    /// <inheritdoc />
    public Task<bool> AppendAsync(PublishFailureRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            if (sequenceById.ContainsKey(record.MessageId))
            {
                return Task.FromResult(false);
            }

            var sequence = ++lastSequence;
            // Copy the byte arrays: the log keeps what was appended even if the caller reuses its buffers.
            bySequence[sequence] = record with
            {
                Sequence = sequence,
                Key = record.Key?.ToArray(),
                Value = record.Value.ToArray(),
                Headers = [.. record.Headers.Select(h => h with { Value = h.Value?.ToArray() })],
                LastAttemptAt = record.LastAttemptAt == default ? record.FailedAt : record.LastAttemptAt,
            };
            sequenceById[record.MessageId] = sequence;
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<PublishFailureRecord>> ReadAsync(long afterSequence, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            IReadOnlyList<PublishFailureRecord> page = [.. bySequence.Where(pair => pair.Key > afterSequence).Take(maxCount).Select(pair => pair.Value)];
            return Task.FromResult(page);
        }
    }

    /// <inheritdoc />
    public Task<int> CountAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            return Task.FromResult(bySequence.Count);
        }
    }

    /// <inheritdoc />
    public Task<bool> RecordFailedAttemptAsync(string messageId, string reason, DateTimeOffset attemptedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(reason);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            if (!sequenceById.TryGetValue(messageId, out var sequence))
            {
                return Task.FromResult(false);
            }

            var record = bySequence[sequence];
            bySequence[sequence] = record with { Reason = reason, LastAttemptAt = attemptedAt, Attempts = record.Attempts + 1 };
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<int> RemoveAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            var removed = 0;
            foreach (var messageId in messageIds)
            {
                if (sequenceById.Remove(messageId, out var sequence))
                {
                    bySequence.Remove(sequence);
                    removed++;
                }
            }

            return Task.FromResult(removed);
        }
    }

    /// <inheritdoc />
    public Task<int> PurgeAsync(DateTimeOffset failedBefore, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            var expired = bySequence.Where(pair => pair.Value.FailedAt < failedBefore).ToList();
            foreach (var (sequence, record) in expired)
            {
                bySequence.Remove(sequence);
                sequenceById.Remove(record.MessageId);
            }

            return Task.FromResult(expired.Count);
        }
    }
}
