using MessageContracts.Behaviour.Tests.Suite;
using Xunit.Abstractions;

namespace MessageContracts.Behaviour.Tests.Redis;

// The behaviour suite on Redis Streams: the same tests as Kafka/KafkaSuite.cs, bound to the Redis fixture.

public sealed class RedisFanOut(RedisTransportUnderTest redis, ITestOutputHelper output) : FanOutBehaviour<RedisTransportUnderTest>(redis, output);

public sealed class RedisCommandOwner(RedisTransportUnderTest redis, ITestOutputHelper output) : CommandOwnerBehaviour<RedisTransportUnderTest>(redis, output);

public sealed class RedisDeduplication(RedisTransportUnderTest redis, ITestOutputHelper output) : DeduplicationBehaviour<RedisTransportUnderTest>(redis, output);

public sealed class RedisRetries(RedisTransportUnderTest redis, ITestOutputHelper output) : RetryBehaviour<RedisTransportUnderTest>(redis, output);

public sealed class RedisDeadLetters(RedisTransportUnderTest redis, ITestOutputHelper output) : DeadLetterBehaviour<RedisTransportUnderTest>(redis, output);

public sealed class RedisOutbox(RedisTransportUnderTest redis, ITestOutputHelper output) : OutboxBehaviour<RedisTransportUnderTest>(redis, output);

public sealed class RedisPoisonMessages(RedisTransportUnderTest redis, ITestOutputHelper output) : PoisonMessageBehaviour<RedisTransportUnderTest>(redis, output);

public sealed class RedisHostileInput(RedisTransportUnderTest redis, ITestOutputHelper output) : HostileInputBehaviour<RedisTransportUnderTest>(redis, output);
