using MessageContracts.Behaviour.Tests.Suite;
using Xunit.Abstractions;

namespace MessageContracts.Behaviour.Tests.Kafka;

// The behaviour suite on Kafka: each class binds one behaviour to the Kafka fixture. A transport adds the same lines
// for its own fixture.

public sealed class KafkaFanOut(KafkaTransportUnderTest kafka, ITestOutputHelper output) : FanOutBehaviour<KafkaTransportUnderTest>(kafka, output);

public sealed class KafkaCommandOwner(KafkaTransportUnderTest kafka, ITestOutputHelper output) : CommandOwnerBehaviour<KafkaTransportUnderTest>(kafka, output);

public sealed class KafkaDeduplication(KafkaTransportUnderTest kafka, ITestOutputHelper output) : DeduplicationBehaviour<KafkaTransportUnderTest>(kafka, output);

public sealed class KafkaRetries(KafkaTransportUnderTest kafka, ITestOutputHelper output) : RetryBehaviour<KafkaTransportUnderTest>(kafka, output);

public sealed class KafkaDeadLetters(KafkaTransportUnderTest kafka, ITestOutputHelper output) : DeadLetterBehaviour<KafkaTransportUnderTest>(kafka, output);

public sealed class KafkaOutbox(KafkaTransportUnderTest kafka, ITestOutputHelper output) : OutboxBehaviour<KafkaTransportUnderTest>(kafka, output);

public sealed class KafkaPoisonMessages(KafkaTransportUnderTest kafka, ITestOutputHelper output) : PoisonMessageBehaviour<KafkaTransportUnderTest>(kafka, output);

public sealed class KafkaHostileInput(KafkaTransportUnderTest kafka, ITestOutputHelper output) : HostileInputBehaviour<KafkaTransportUnderTest>(kafka, output);
