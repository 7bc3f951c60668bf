using System.Diagnostics;

namespace MessageContracts.Behaviour.Tests.Support;

/// <summary>
/// Waits for state that gives no signal (a database row, a broker's counters) with a bound: checks it, and between
/// checks yields for a few milliseconds. The wait ends as soon as the state is there; it is never a guess at how long
/// something takes.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(20);

    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Not within {timeout.TotalSeconds:0} s: {describe()}");
            }

            await Task.Delay(CheckInterval);
        }
    }
}
