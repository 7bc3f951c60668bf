using Confluent.Kafka;
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

    /// <summary>The policy of a contract with no per-call override: its own, else the global one.</summary>
    public PublishFailurePolicy PolicyFor(Type contractType) => options.PublishFailurePolicyFor(contractType);

    public async Task<PublishResult> HandleAsync(
        PublishFailurePolicy policy,
        string messageId,
        string messageType,
        string topic,
        Message<byte[]?, byte[]> record,
        ProduceException<byte[]?, byte[]> exception)
    {
        var reason = $"{exception.Error.Code}: {exception.Error.Reason}";
        PublishFailureTelemetry.PublishFailed.Add(1, PublishFailureTelemetry.Tags(topic, exception.Error.Code.ToString(), policy));

        switch (policy)
        {
            case PublishFailurePolicy.Ignore:
                LogIgnored(messageId, messageType, topic, reason);
                return PublishResult.NotDeliveredResult(messageId, topic, PublishOutcome.NotDelivered, reason);

            case PublishFailurePolicy.LogFailure:
                var failedAt = timeProvider.GetUtcNow();
                var entry = new PublishFailureRecord
                {
                    MessageId = messageId,
                    MessageType = messageType,
                    Topic = topic,
                    Key = record.Key,
                    Value = record.Value,
                    Headers = [.. record.Headers.Select(header => new PublishFailureHeader(header.Key, header.GetValueBytes()))],
                    Reason = reason,
                    FailedAt = failedAt,
                    LastAttemptAt = failedAt,
                    Attempts = 1,
                };

                try
                {
                    // Not the caller's token: once Kafka has given up, the log is the message's only copy, and a
                    // cancelled write would lose it. The write is local (SQLite) or bounded by the database's timeout.
                    await failureLog.AppendAsync(entry, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception logException)
                {
                    LogNotLogged(logException, messageId, messageType, topic, reason);
                    throw new PublishException(
                        messageId,
                        topic,
                        $"Kafka did not acknowledge message {messageId} ({messageType}) on topic '{topic}' ({reason}), and writing it to the publish failure log failed too: {logException.Message}",
                        new AggregateException(exception, logException));
                }

                PublishFailureTelemetry.Logged.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", topic));
                LogLogged(messageId, messageType, topic, reason);
                return PublishResult.NotDeliveredResult(messageId, topic, PublishOutcome.Logged, reason);

            default:
                LogFailedRetry(messageId, messageType, topic, reason);
                throw new PublishException(
                    messageId,
                    topic,
                    $"Kafka did not acknowledge message {messageId} ({messageType}) on topic '{topic}': {reason}",
                    exception);
        }
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
