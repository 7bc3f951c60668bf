using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace MessageContracts.Redis;

/// <summary>
/// Sends the messages of at-most-once events with one <c>PUBLISH</c> each, on the contract's channel, and reports how many
/// subscribers received it (Redis's reply; <see cref="TransportDelivery.Receivers"/>). Nothing is stored: a message
/// published while nobody is subscribed is gone, which is logged as a warning and reported as 0 receivers, not as a
/// failure (the contract accepted that loss).
/// </summary>
internal sealed class RedisPubSubSender(IConnectionMultiplexer connection, RedisTransportOptions options, ILogger logger)
{
    private static readonly Action<ILogger, string, string, string, Exception?> NoSubscriber = LoggerMessage.Define<string, string, string>(
        LogLevel.Warning,
        new EventId(1501, "PubSubNoSubscriber"),
        "Published {MessageType} {MessageId} on Redis channel {Channel} while no subscriber listened: the message is lost (the contract is at most once)");

    private readonly OrderedReports reports = new();

    public void Send(in OutboundMessage message, IDeliveryObserver observer)
    {
        var channel = RedisPubSubRouting.Channel(options, message.Destination);
        byte[] payload;
        try
        {
            payload = RedisPubSubPayload.Encode(message);
        }
        catch (ArgumentException exception)
        {
            observer.OnFailed(new TransportSendFailure("Unencodable", exception.Message, MessagePersistence.NotWritten, exception));
            return;
        }

        reports.Chain(
            message.Destination,
            (Sender: this, Channel: channel, Payload: payload),
            static command => command.Sender.PublishAsync(command.Channel, command.Payload),
            new Outcome(this, channel, message.MessageType, message.MessageId, observer),
            static (published, outcome) => outcome.Sender.Report(published, outcome),
            static (exception, outcome) => outcome.Observer.OnFailed(RedisStreamSender.Failure(exception)));
    }

    private Task<long> PublishAsync(RedisChannel channel, byte[] payload) => connection.GetSubscriber().PublishAsync(channel, payload);

    private void Report(Task<long> published, Outcome outcome)
    {
        if (!published.IsCompletedSuccessfully)
        {
            outcome.Observer.OnFailed(RedisStreamSender.Failure(published.Exception?.GetBaseException() ?? new TaskCanceledException(published)));
            return;
        }

        if (published.Result == 0)
        {
            NoSubscriber(logger, outcome.MessageType, outcome.MessageId, outcome.Channel.ToString(), null);
        }

        outcome.Observer.OnDelivered(new TransportDelivery(0, -1, published.Result));
    }

    /// <summary>What one publish's report needs: all a waiting report holds (no closure per publish).</summary>
    private readonly record struct Outcome(RedisPubSubSender Sender, RedisChannel Channel, string MessageType, string MessageId, IDeliveryObserver Observer);
}
