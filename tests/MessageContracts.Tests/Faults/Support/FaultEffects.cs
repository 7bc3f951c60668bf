using System.Collections.Concurrent;
using System.Diagnostics;

namespace MessageContracts.Tests.Faults.Support;

/// <summary>One effect of a handler: the message, where it was read, which instance ran it, and its trace context.</summary>
public sealed record Effect(
    string MessageId,
    string Key,
    int Sequence,
    string Instance,
    int Partition,
    long Offset,
    ActivityTraceId? TraceId,
    ActivitySpanId? ParentSpanId,
    ActivitySpanId? SpanId);

/// <summary>
/// Every effect and every attempt of <see cref="FaultProbeHandler"/>, in the order they happened. Share one instance
/// between hosts to see the effects of a whole consumer group.
/// </summary>
public sealed class FaultEffects
{
    private readonly ConcurrentQueue<Effect> effects = new();
    private readonly ConcurrentDictionary<string, int> attempts = new(StringComparer.Ordinal);

    public int Count => effects.Count;

    public IReadOnlyList<Effect> Snapshot() => [.. effects];

    public int RecordAttempt(string messageId) => attempts.AddOrUpdate(messageId, 1, (_, n) => n + 1);

    public int AttemptsFor(string messageId) => attempts.TryGetValue(messageId, out var n) ? n : 0;

    public void Record(Effect effect) => effects.Enqueue(effect);

    /// <summary>How many effects each message ID had.</summary>
    public Dictionary<string, int> CountsById() =>
        Snapshot().GroupBy(e => e.MessageId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
}
