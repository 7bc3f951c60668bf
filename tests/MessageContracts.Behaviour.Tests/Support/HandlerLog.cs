using System.Collections.Concurrent;

namespace MessageContracts.Behaviour.Tests.Support;

/// <summary>
/// What the handlers of one host did: every attempt and every effect, by message ID, with a way to wait for them that
/// watches this state instead of sleeping.
/// </summary>
public sealed class HandlerLog
{
    private readonly ConcurrentDictionary<string, int> attempts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string MessageId, object Message)> effects = new();
    private readonly object gate = new();
    private TaskCompletionSource changed = NewSignal();

    /// <summary>Counts an attempt at <paramref name="context"/>'s message and returns how many there were so far.</summary>
    public int Attempt(MessageContext context)
    {
        var count = attempts.AddOrUpdate(context.MessageId, 1, static (_, n) => n + 1);
        Signal();
        return count;
    }

    /// <summary>Records that the handler had its effect for <paramref name="context"/>'s message.</summary>
    public void Effect(MessageContext context, object message)
    {
        effects.Enqueue((context.MessageId, message));
        Signal();
    }

    public int AttemptsFor(string messageId) => attempts.TryGetValue(messageId, out var n) ? n : 0;

    public int EffectsFor(string messageId) => effects.Count(e => string.Equals(e.MessageId, messageId, StringComparison.Ordinal));

    public IReadOnlyList<(string MessageId, object Message)> Effects => [.. effects];

    /// <summary>The message IDs that had an effect, with how many each.</summary>
    public IReadOnlyDictionary<string, int> EffectCounts() =>
        effects.GroupBy(e => e.MessageId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>
    /// Waits until <paramref name="condition"/> holds, or throws <see cref="TimeoutException"/> after
    /// <paramref name="timeout"/> naming <paramref name="expected"/>.
    /// </summary>
    public Task WaitUntilAsync(Func<HandlerLog, bool> condition, TimeSpan timeout, string expected) =>
        WaitUntilAsync([this], () => condition(this), timeout, expected);

    /// <summary>
    /// Waits until <paramref name="condition"/> (over what <paramref name="logs"/> recorded) holds, or throws
    /// <see cref="TimeoutException"/> after <paramref name="timeout"/> naming <paramref name="expected"/>. The condition
    /// is checked after taking every log's change signal, so a change between the check and the wait is never missed.
    /// </summary>
    public static async Task WaitUntilAsync(IReadOnlyList<HandlerLog> logs, Func<bool> condition, TimeSpan timeout, string expected)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var next = logs.Select(log => log.NextChange()).ToList();
            if (condition())
            {
                return;
            }

            try
            {
                await Task.WhenAny(next).WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Expected {expected} within {timeout.TotalSeconds:0} s; saw {logs.Sum(l => l.effects.Count)} effect(s) and {logs.Sum(l => l.attempts.Values.Sum())} attempt(s).");
            }
        }
    }

    /// <summary>Waits until each of <paramref name="messageIds"/> had at least one effect.</summary>
    public Task WaitForEffectsAsync(IEnumerable<string> messageIds, TimeSpan timeout)
    {
        var ids = messageIds.ToList();
        return WaitUntilAsync(log => ids.All(id => log.EffectsFor(id) > 0), timeout, $"effects of {ids.Count} message(s)");
    }

    private Task NextChange()
    {
        lock (gate)
        {
            return changed.Task;
        }
    }

    private void Signal()
    {
        TaskCompletionSource signal;
        lock (gate)
        {
            signal = changed;
            changed = NewSignal();
        }

        signal.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
