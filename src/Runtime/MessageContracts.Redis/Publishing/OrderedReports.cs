using StackExchange.Redis;

namespace MessageContracts.Redis;

/// <summary>
/// Issues commands one destination at a time in call order (one connection: the order Redis runs them) and reports their
/// outcomes in that same order: each report waits for the one before it. The client completes its tasks on the thread
/// pool, which alone would not keep that order, and the core takes a failed message's place in the publish failure log
/// where it is reported.
/// </summary>
internal sealed class OrderedReports
{
    private readonly Dictionary<string, Task> last = new(StringComparer.Ordinal);

    /// <summary>
    /// Runs <paramref name="issue"/> with <paramref name="command"/> now, and <paramref name="report"/> with
    /// <paramref name="state"/> once it and every earlier report of <paramref name="destination"/> completed;
    /// <paramref name="refused"/> when the client refuses the command at once. With static delegates a publish allocates
    /// no closure: only the report waiting for its command, which holds <paramref name="state"/> (keep it to what the
    /// report needs: with many publishes in flight, most reports wait for the one before).
    /// </summary>
    public void Chain<TCommand, TState, T>(
        string destination, TCommand command, Func<TCommand, Task<T>> issue, TState state, Action<Task<T>, TState> report, Action<Exception, TState> refused)
    {
        lock (last)
        {
            Task<T> issued;
            try
            {
                issued = issue(command);
            }
            catch (Exception exception) when (exception is RedisException or ObjectDisposedException)
            {
                refused(exception, state);
                return;
            }

            last.TryGetValue(destination, out var previous);
            last[destination] = previous is null || previous.IsCompleted
                ? issued.ContinueWith(static (task, pending) => ((PendingReport<TState, T>)pending!).Report(task), new PendingReport<TState, T>(state, report), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
                : ReportAfterAsync(previous, issued, state, report);
        }
    }

    private static async Task ReportAfterAsync<TState, T>(Task previous, Task<T> issued, TState state, Action<Task<T>, TState> report)
    {
        try
        {
            await previous.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // An observer that threw: its own report is over; this one still follows it.
        }

        try
        {
            await issued.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Reported as a failure, from the task.
        }

        report(issued, state);
    }

    /// <summary>A report waiting for its command, when no earlier one is pending: the continuation's state.</summary>
    private sealed class PendingReport<TState, T>(TState state, Action<Task<T>, TState> report)
    {
        public void Report(Task<T> task) => report(task, state);
    }
}
