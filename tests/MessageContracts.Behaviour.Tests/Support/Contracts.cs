namespace MessageContracts.Behaviour.Tests.Support;

// One contract per behaviour, each on a topic of its own, so each test subscribes to what it exercises and nothing else.
// The generator runs on this project as on a user's: these are the real generated serializers, publishers and dispatch.

/// <summary>An event two services each receive.</summary>
[Event(Topic = "behaviour.fan-out")]
public sealed partial record FanOutHappened([property: PartitionKey] string Key, int Number);

/// <summary>A command with one owning service, run as two instances.</summary>
[Command(Topic = "behaviour.owned-commands")]
public sealed partial record OwnedCommand([property: PartitionKey] string Key, int Number);

/// <summary>An event published twice under one message ID.</summary>
[Event(Topic = "behaviour.dedup")]
public sealed partial record DedupProbe([property: PartitionKey] string Key, string Note);

/// <summary>A command whose handler fails <see cref="Failures"/> times, then succeeds.</summary>
[Command(Topic = "behaviour.retries")]
public sealed partial record RetryProbe([property: PartitionKey] string Key, int Failures);

/// <summary>A command whose handler always fails when <see cref="AlwaysFail"/> is set.</summary>
[Command(Topic = "behaviour.dead-letters")]
public sealed partial record DeadLetterProbe([property: PartitionKey] string Key, bool AlwaysFail);

/// <summary>An event written through the outbox.</summary>
[Event(Topic = "behaviour.outbox")]
public sealed partial record OutboxProbe([property: PartitionKey] string Key, string Note);

/// <summary>An event whose topic also receives poison records.</summary>
[Event(Topic = "behaviour.poison")]
public sealed partial record PoisonProbe([property: PartitionKey] string Key, int Number);

/// <summary>An event whose topic receives every kind of hostile record; <see cref="Text"/> carries hostile values.</summary>
[Event(Topic = "behaviour.hostile")]
public sealed partial record HostileProbe([property: PartitionKey] string Key, int Sequence, string Text);
