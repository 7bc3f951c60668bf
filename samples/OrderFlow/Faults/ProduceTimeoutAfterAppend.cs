using Confluent.Kafka;
using MessageContracts.Testing;

namespace OrderFlow.Faults;

/// <summary>
/// Injected failure 1: the broker appends the next Produce at once but answers it only after the client has given up
/// on it (the order service's socket.timeout.ms is 500 ms). The producer sends the batch again, so the log holds the
/// message twice, with one message ID; each consumer's deduplication store drops the second copy.
/// Only the embedded Kafka can do this: a real broker cannot be told to answer late.
/// </summary>
public static class ProduceTimeoutAfterAppend
{
    private static readonly TimeSpan LateAnswer = TimeSpan.FromSeconds(2.5);

    public static void Arm(EmbeddedKafka kafka) =>
        kafka.PushBrokerRequestErrors(1, KafkaApiKey.Produce, (ErrorCode.NoError, LateAnswer));
}
