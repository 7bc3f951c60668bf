using System.Collections.Concurrent;

namespace MessageContracts.Tests.Support;

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
    public async Task WaitForCountAsync(int count, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task next;
            lock (gate)
            {
                next = changed.Task;
            }

            if (Count >= count)
            {
                return;
            }

            try
            {
                await next.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Expected {count} {typeof(TMessage).Name} message(s) within {timeout}, saw {Count}.");
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
