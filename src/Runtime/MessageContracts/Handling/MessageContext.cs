using System.Data.Common;
using System.Diagnostics;

namespace MessageContracts;

/// <summary>
/// Where a message came from and how many times it has been tried. Handed to every
/// <see cref="IMessageHandler{TMessage}.HandleAsync"/> call.
/// </summary>
public sealed class MessageContext
{
    /// <summary>Creates a context. The consumer creates one per delivery; tests may create their own.</summary>
    public MessageContext(
        string messageId,
        string messageType,
        string topic,
        int partition,
        long offset,
        int attempt,
        string? key = null,
        string? source = null,
        DateTimeOffset? time = null,
        ActivityContext traceContext = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentException.ThrowIfNullOrEmpty(messageType);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        MessageId = messageId;
        MessageType = messageType;
        Topic = topic;
        Partition = partition;
        Offset = offset;
        Attempt = attempt;
        Key = key;
        Source = source;
        Time = time;
        TraceContext = traceContext;
    }

    /// <summary>
    /// The message's unique ID (the CloudEvents <c>ce_id</c> header). It is fixed when the message is first
    /// published and is the same on every retry and redelivery, so it is the deduplication key.
    /// </summary>
    public string MessageId { get; }

    /// <summary>The message type name (the <c>ce_type</c> header).</summary>
    public string MessageType { get; }

    /// <summary>The Kafka topic the record was read from.</summary>
    public string Topic { get; }

    /// <summary>The partition the record was read from.</summary>
    public int Partition { get; }

    /// <summary>The record's offset in its partition.</summary>
    public long Offset { get; }

    /// <summary>1 for the first attempt to handle this delivery, 2 for the first retry, and so on.</summary>
    public int Attempt { get; }

    /// <summary>The Kafka key as text (the <c>[PartitionKey]</c> value), or <see langword="null"/> when the record has none.</summary>
    public string? Key { get; }

    /// <summary>The producing service (the <c>ce_source</c> header), when the record carries it.</summary>
    public string? Source { get; }

    /// <summary>When the message was created (the <c>ce_time</c> header), when the record carries it.</summary>
    public DateTimeOffset? Time { get; }

    /// <summary>
    /// The W3C trace context the publisher sent in the <c>traceparent</c> header; <c>default</c> when there was none.
    /// </summary>
    public ActivityContext TraceContext { get; }

    /// <summary>
    /// The open database connection of the transactional inbox, when one is configured (<c>UseSqliteInbox</c>,
    /// <c>UsePostgreSqlInbox</c>); otherwise <see langword="null"/>. Write the handler's own data through it, with
    /// <see cref="Transaction"/>: the data commits together with the record that the message was processed, so the
    /// message's effect happens once. Do not commit, roll back or close it: the consumer does.
    /// </summary>
    public DbConnection? Connection { get; private init; }

    /// <summary>
    /// The inbox transaction that <see cref="Connection"/> is in, or <see langword="null"/> when no inbox is configured.
    /// Each handler attempt runs inside a savepoint, so the writes of a failed attempt are undone before the retry.
    /// </summary>
    public DbTransaction? Transaction { get; private init; }

    /// <summary>Returns a copy of this context for another attempt.</summary>
    internal MessageContext WithAttempt(int attempt) =>
        new(MessageId, MessageType, Topic, Partition, Offset, attempt, Key, Source, Time, TraceContext)
        {
            Connection = Connection,
            Transaction = Transaction,
        };

    /// <summary>Returns a copy of this context that carries the inbox transaction (this one when it is null).</summary>
    internal MessageContext WithTransaction(DbTransaction? transaction) =>
        transaction is null
            ? this
            : new(MessageId, MessageType, Topic, Partition, Offset, Attempt, Key, Source, Time, TraceContext)
            {
                Connection = transaction.Connection,
                Transaction = transaction,
            };
}
