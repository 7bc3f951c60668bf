using MessageContracts.Behaviour.Tests.Support;

namespace MessageContracts.Behaviour.Tests.Transports;

/// <summary>
/// The destinations (contract topics) the suite uses, and whether each is an event's or a command's: a fixture whose
/// broker names things differently for the two (RabbitMQ: an event's copy for a service is queue
/// <c>&lt;topic&gt;.&lt;service&gt;</c> behind exchange <c>&lt;topic&gt;</c>; a command's is queue <c>&lt;topic&gt;</c>)
/// asks <see cref="KindOf"/> instead of taking the kind as a parameter. Read from the contracts themselves.
/// </summary>
public static class SuiteDestinations
{
    private static readonly Dictionary<string, MessageKind> Kinds = new[]
    {
        Entry<FanOutHappened>(),
        Entry<OwnedCommand>(),
        Entry<DedupProbe>(),
        Entry<RetryProbe>(),
        Entry<DeadLetterProbe>(),
        Entry<OutboxProbe>(),
        Entry<PoisonProbe>(),
        Entry<HostileProbe>(),
    }.ToDictionary(e => e.Topic, e => e.Kind, StringComparer.Ordinal);

    /// <summary>The destination of contract <typeparamref name="T"/>: its topic name.</summary>
    public static string Of<T>()
        where T : IMessageContract<T> => T.Topic;

    /// <summary>Whether <paramref name="destinationOfContract"/> carries an event (fan-out) or a command (one owner).</summary>
    public static MessageKind KindOf(string destinationOfContract) =>
        Kinds.TryGetValue(destinationOfContract, out var kind)
            ? kind
            : throw new ArgumentException($"'{destinationOfContract}' is not the topic of a contract of the suite (Support/Contracts.cs).", nameof(destinationOfContract));

    private static (string Topic, MessageKind Kind) Entry<T>()
        where T : IMessageContract<T> => (T.Topic, T.Kind);
}
