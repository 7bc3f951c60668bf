using MessageContracts.Behaviour.Tests.Suite;
using Xunit.Abstractions;

namespace MessageContracts.Behaviour.Tests.RabbitMQ;

// The behaviour suite on RabbitMQ: the same tests as Kafka/KafkaSuite.cs, bound to the RabbitMQ fixture.

public sealed class RabbitMqFanOut(RabbitMqTransportUnderTest rabbit, ITestOutputHelper output) : FanOutBehaviour<RabbitMqTransportUnderTest>(rabbit, output);

public sealed class RabbitMqCommandOwner(RabbitMqTransportUnderTest rabbit, ITestOutputHelper output) : CommandOwnerBehaviour<RabbitMqTransportUnderTest>(rabbit, output);

public sealed class RabbitMqDeduplication(RabbitMqTransportUnderTest rabbit, ITestOutputHelper output) : DeduplicationBehaviour<RabbitMqTransportUnderTest>(rabbit, output);

public sealed class RabbitMqRetries(RabbitMqTransportUnderTest rabbit, ITestOutputHelper output) : RetryBehaviour<RabbitMqTransportUnderTest>(rabbit, output);

public sealed class RabbitMqDeadLetters(RabbitMqTransportUnderTest rabbit, ITestOutputHelper output) : DeadLetterBehaviour<RabbitMqTransportUnderTest>(rabbit, output);

public sealed class RabbitMqOutbox(RabbitMqTransportUnderTest rabbit, ITestOutputHelper output) : OutboxBehaviour<RabbitMqTransportUnderTest>(rabbit, output);

public sealed class RabbitMqPoisonMessages(RabbitMqTransportUnderTest rabbit, ITestOutputHelper output) : PoisonMessageBehaviour<RabbitMqTransportUnderTest>(rabbit, output);

public sealed class RabbitMqHostileInput(RabbitMqTransportUnderTest rabbit, ITestOutputHelper output) : HostileInputBehaviour<RabbitMqTransportUnderTest>(rabbit, output);
