using Confluent.Kafka;
using MessageContracts.Transports;

namespace MessageContracts;

/// <summary>
/// Kafka's <see cref="ITransportSender"/>: one <c>Produce</c> per message on the service's one producer, the outcome
/// from the delivery report. Topics are created on first use where allowed (<see cref="TopicProvisioner"/>).
/// </summary>
internal sealed class KafkaTransportSender(KafkaProducerConnection connection, TopicProvisioner topics) : ITransportSender
{
    public Task PrepareAsync(string destination, CancellationToken cancellationToken) =>
        topics.EnsureAsync(destination).WaitAsync(cancellationToken);

    public void Send(in OutboundMessage message, IDeliveryObserver observer)
    {
        var record = new Message<byte[]?, byte[]>
        {
            Key = message.Key,
            Value = message.Body,
            Headers = KafkaTransportHeaders.ToKafka(message.Headers),
        };

        try
        {
            // A delivery callback rather than ProduceAsync: librdkafka reports one partition's messages in order on its
            // poll thread, and no task or state machine is needed per message. The delegate closes over the observer
            // itself (an extension method's receiver), so it is the only allocation of the report path.
            connection.Producer.Produce(message.Destination, record, observer.OnKafkaDelivery);
        }
        catch (ProduceException<byte[]?, byte[]> refused)
        {
            // Refused before it was queued (local queue full, message too large).
            observer.OnFailed(Failure(refused));
        }
    }

    /// <summary>The neutral description of a failed produce; the Confluent exception stays as the inner exception.</summary>
    internal static TransportSendFailure Failure(ProduceException<byte[]?, byte[]> exception) =>
        new(
            exception.Error.Code.ToString(),
            exception.Error.Reason,
            exception.DeliveryResult?.Status switch
            {
                PersistenceStatus.NotPersisted => MessagePersistence.NotWritten,
                PersistenceStatus.Persisted => MessagePersistence.Written,
                // Unknown is treated as "maybe": the safe assumption for a caller deciding whether a re-send can duplicate.
                _ => MessagePersistence.PossiblyWritten,
            },
            exception,
            timedOut: exception.Error.Code is ErrorCode.Local_MsgTimedOut or ErrorCode.Local_TimedOut or ErrorCode.RequestTimedOut,
            tooLarge: exception.Error.Code is ErrorCode.MsgSizeTooLarge);
}

/// <summary>The delivery report handler bound to an observer.</summary>
internal static class KafkaDeliveryReports
{
    public static void OnKafkaDelivery(this IDeliveryObserver observer, DeliveryReport<byte[]?, byte[]> report)
    {
        if (report.Error.IsError)
        {
            observer.OnFailed(KafkaTransportSender.Failure(new ProduceException<byte[]?, byte[]>(report.Error, report)));
            return;
        }

        observer.OnDelivered(new TransportDelivery(report.Partition.Value, report.Offset.Value));
    }
}
