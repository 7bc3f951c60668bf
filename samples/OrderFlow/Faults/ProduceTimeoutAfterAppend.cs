using Confluent.Kafka;
using MessageContracts.Testing;

namespace OrderFlow.Faults;

/// <summary>
/// Injected failure 1: the broker appends the next Produce at once but answers it only after the client has given up
/// on it. With default options the producer gives up on a request after a third of the 30 s PublishTimeout (10 s;
/// librdkafka checks once a second) and sends the batch again, so the log holds the message twice, with one message
/// ID; each consumer's deduplication store drops the second copy.
/// Only the embedded Kafka can do this: a real broker cannot be told to answer late.
/// </summary>
public static class ProduceTimeoutAfterAppend
{
    /// <summary>How late the broker answers: past the producer's request timeout (10 s) and its once-a-second check.</summary>
    public static readonly TimeSpan LateAnswer = TimeSpan.FromSeconds(12);

    public static void Arm(EmbeddedKafka kafka) =>
        kafka.PushBrokerRequestErrors(1, KafkaApiKey.Produce, (ErrorCode.NoError, LateAnswer));
}
