using MessageContracts.Transports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// Applies the failure policy to a publish Kafka did not acknowledge: throw (<see cref="PublishFailurePolicy.Retry"/>),
/// count and drop (<see cref="PublishFailurePolicy.Ignore"/>), or write the record to the failure log
/// (<see cref="PublishFailurePolicy.LogFailure"/>). Every failure is counted and logged whatever the policy.
/// </summary>
internal sealed partial class PublishFailureHandler
{
    private readonly MessageContractsOptions options;
    private readonly IPublishFailureLog failureLog;
    private readonly TimeProvider timeProvider;
    private readonly ILogger<PublishFailureHandler> logger;
    private readonly object appendOrder = new();
    private Task lastAppend = Task.CompletedTask;
    private int pendingAppends;

    public PublishFailureHandler(
        IOptions<MessageContractsOptions> options,
        IPublishFailureLog failureLog,
        TimeProvider timeProvider,
        ILogger<PublishFailureHandler> logger)
    {
        this.options = options.Value;
        this.failureLog = failureLog;
        this.timeProvider = timeProvider;
        this.logger = logger;
    }

    /// <summary>How many records are on their way to the failure log: started, not yet written (or refused).</summary>
    public int PendingAppends => Volatile.Read(ref pendingAppends);

    /// <summary>
    /// Completes once every append started so far has finished, written or refused. The producer's shutdown waits
    /// for it after its last delivery reports: once Kafka gave up on a message, the log holds its only copy.
    /// </summary>
    public Task WhenAppendsFinished()
    {
        lock (appendOrder)
        {
            return lastAppend;
        }
    }

    /// <summary>The policy of a contract with no per-call override: its own, else the global one.</summary>
    public PublishFailurePolicy PolicyFor(Type contractType) => options.PublishFailurePolicyFor(contractType);

    /// <summary>
    /// Applies <paramref name="policy"/> to a failed publish. Call it from the delivery report, in the order the
    /// reports arrive: under <see cref="PublishFailurePolicy.LogFailure"/> the record's place in the log is taken
    /// before this method returns, so records reach the log in the order Kafka reported them.
    /// </summary>
    public Task<PublishResult> HandleAsync(
        PublishFailurePolicy policy,
        in OutboundMessage record,
        TransportSendFailure failure)
    {
        var messageId = record.MessageId;
        var messageType = record.MessageType;
        var topic = record.Destination;
        var reason = failure.Description;
        PublishFailureTelemetry.PublishFailed.Add(1, PublishFailureTelemetry.Tags(options.EffectiveTransport.Name, topic, failure.Code, policy));

        switch (policy)
        {
            case PublishFailurePolicy.Ignore:
                LogIgnored(messageId, messageType, topic, reason);
                return Task.FromResult(PublishResult.NotDeliveredResult(messageId, topic, PublishOutcome.NotDelivered, reason));

            case PublishFailurePolicy.LogFailure:
                var failedAt = timeProvider.GetUtcNow();
                var entry = new PublishFailureRecord
                {
                    MessageId = messageId,
                    MessageType = messageType,
                    Topic = topic,
                    Key = record.Key,
                    Value = record.Body,
                    Headers = CopyHeaders(record.Headers),
                    Reason = reason,
                    FailedAt = failedAt,
                    LastAttemptAt = failedAt,
                    Attempts = 1,
                };

                // Appends run one after another in the order of these calls (a chain of tasks): concurrent appends
                // could land one key's messages in the log out of order, and a replay would then send them so.
                var turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Task previous;
                lock (appendOrder)
                {
                    previous = lastAppend;
                    lastAppend = turn.Task;
                    pendingAppends++;
                }

                return AppendInTurnAsync(previous, turn, entry, failure);

            default:
                LogFailedRetry(messageId, messageType, topic, reason);
                var persistence = failure.Persistence;
                return Task.FromException<PublishResult>(new PublishException(
                    messageId,
                    topic,
                    persistence,
                    $"Kafka did not acknowledge message {messageId} ({messageType}) on topic '{topic}': {reason}. {Advice(persistence)}",
                    failure.Exception));
        }
    }

    private static PublishFailureHeader[] CopyHeaders(TransportHeaders headers)
    {
        var copy = new PublishFailureHeader[headers.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = new PublishFailureHeader(headers.KeyAt(i), headers.ValueAt(i));
        }

        return copy;
    }

    private static string Advice(MessagePersistence persistence) => persistence == MessagePersistence.NotWritten
        ? "Kafka did not store it; publishing it again cannot make a second copy."
        : "Kafka may have stored it: to publish it again without a second effect, give the same ID in PublishOptions.MessageId.";

    private async Task<PublishResult> AppendInTurnAsync(
        Task previous,
        TaskCompletionSource turn,
        PublishFailureRecord entry,
        TransportSendFailure failure)
    {
        try
        {
            // Always yield: the caller is librdkafka's poll thread, which must not wait on a disk or a database.
            await previous.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);

            // Not the caller's token: once Kafka has given up, the log is the message's only copy, and a cancelled
            // write would lose it. The write is local (SQLite) or bounded by the database's command timeout.
            await failureLog.AppendAsync(entry, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception logException)
        {
            LogNotLogged(logException, entry.MessageId, entry.MessageType, entry.Topic, entry.Reason);
            throw new PublishException(
                entry.MessageId,
                entry.Topic,
                failure.Persistence,
                $"Kafka did not acknowledge message {entry.MessageId} ({entry.MessageType}) on topic '{entry.Topic}' ({entry.Reason}), and writing it to the publish failure log failed too: {logException.Message}",
                new AggregateException(failure.Exception, logException));
        }
        finally
        {
            Interlocked.Decrement(ref pendingAppends);
            turn.SetResult();
        }

        PublishFailureTelemetry.Logged.Add(1, MessagingTelemetry.Destination(entry.Topic));
        LogLogged(entry.MessageId, entry.MessageType, entry.Topic, entry.Reason);
        return PublishResult.NotDeliveredResult(entry.MessageId, entry.Topic, PublishOutcome.Logged, entry.Reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} ({MessageType}) to '{Topic}' was not delivered ({Reason}); it is dropped under PublishFailurePolicy.Ignore")]
    private partial void LogIgnored(string messageId, string messageType, string topic, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} ({MessageType}) to '{Topic}' was not delivered ({Reason}); it is in the publish failure log for replay")]
    private partial void LogLogged(string messageId, string messageType, string topic, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} ({MessageType}) to '{Topic}' was not delivered ({Reason}) and could not be written to the publish failure log")]
    private partial void LogNotLogged(Exception exception, string messageId, string messageType, string topic, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} ({MessageType}) to '{Topic}' was not delivered ({Reason}); the caller gets a PublishException")]
    private partial void LogFailedRetry(string messageId, string messageType, string topic, string reason);
}
