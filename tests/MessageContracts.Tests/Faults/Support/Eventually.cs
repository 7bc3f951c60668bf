using System.Diagnostics;

namespace MessageContracts.Tests.Faults.Support;

/// <summary>
/// Waits for observed state with a bound: checks the condition, and between checks yields for a few milliseconds.
/// The wait ends as soon as the state is there; it is never a guess at how long something takes.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(20);

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, describe);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Not within {timeout.TotalSeconds:0.#} s: {describe()}");
            }

            await Task.Delay(CheckInterval);
        }
    }
}
