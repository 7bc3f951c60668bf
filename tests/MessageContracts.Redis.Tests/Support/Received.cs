using System.Collections.Concurrent;

namespace MessageContracts.Redis.Tests.Support;

/// <summary>What a test handler saw, with a way to wait for it that watches state instead of sleeping.</summary>
public sealed class Received<TMessage>
{
    private readonly ConcurrentQueue<(TMessage Message, MessageContext Context)> items = new();
    private readonly object gate = new();
    private TaskCompletionSource changed = NewSignal();

    public int Count => items.Count;

    public IReadOnlyList<(TMessage Message, MessageContext Context)> Snapshot() => [.. items];

    public void Add(TMessage message, MessageContext context)
    {
        items.Enqueue((message, context));
        TaskCompletionSource signal;
        lock (gate)
        {
            signal = changed;
            changed = NewSignal();
        }

        signal.TrySetResult();
    }

    /// <summary>Waits until at least <paramref name="count"/> messages arrived, or fails after <paramref name="timeout"/>.</summary>
    public Task WaitForCountAsync(int count, TimeSpan timeout) =>
        WaitUntilAsync(seen => seen.Count >= count, timeout, $"{count} {typeof(TMessage).Name} message(s)");

    /// <summary>
    /// Waits until <paramref name="condition"/> holds for what arrived so far, or fails after <paramref name="timeout"/>
    /// naming <paramref name="expected"/>. The condition is checked after taking the change signal, so an arrival
    /// between the check and the wait is never missed.
    /// </summary>
    public async Task WaitUntilAsync(
        Func<IReadOnlyList<(TMessage Message, MessageContext Context)>, bool> condition,
        TimeSpan timeout,
        string expected)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task next;
            lock (gate)
            {
                next = changed.Task;
            }

            if (condition(Snapshot()))
            {
                return;
            }

            try
            {
                await next.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Expected {expected} within {timeout}; saw {Count} {typeof(TMessage).Name} message(s).");
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
