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

    /// <summary>Runs <paramref name="issue"/> now and <paramref name="report"/> once it and every earlier report of <paramref name="destination"/> completed; <paramref name="refused"/> when the client refuses the command at once.</summary>
    public void Chain<T>(string destination, Func<Task<T>> issue, Action<Task<T>> report, Action<Exception> refused)
    {
        lock (last)
        {
            Task<T> issued;
            try
            {
                issued = issue();
            }
            catch (Exception exception) when (exception is RedisException or ObjectDisposedException)
            {
                refused(exception);
                return;
            }

            last.TryGetValue(destination, out var previous);
            last[destination] = previous is null || previous.IsCompleted
                ? issued.ContinueWith(static (task, state) => ((Action<Task<T>>)state!)(task), report, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
                : ReportAfterAsync(previous, issued, report);
        }
    }

    private static async Task ReportAfterAsync<T>(Task previous, Task<T> issued, Action<Task<T>> report)
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

        report(issued);
    }
}
