using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace MessageContracts.Tests.Consuming;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that reports every timer the code under test starts (a backoff pause, a lease
/// tick, a timeout), so a test can move the clock exactly to the next thing being waited for instead of sleeping.
/// </summary>
internal sealed class SteppedTime : FakeTimeProvider
{
    private readonly Channel<TimeSpan> started = Channel.CreateUnbounded<TimeSpan>();

    public SteppedTime()
        : base(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero))
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        started.Writer.TryWrite(dueTime);
        return base.CreateTimer(callback, state, dueTime, period);
    }

    /// <summary>Forgets the timers started so far (the lease renewal's, say), so the next step waits for a new one.</summary>
    public void ForgetStartedTimers()
    {
        while (started.Reader.TryRead(out _))
        {
        }
    }

    /// <summary>Waits until the code under test starts a timer; returns its due time.</summary>
    public async Task<TimeSpan> NextTimerAsync() =>
        await started.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);

    /// <summary>Runs <paramref name="work"/> to its end, moving the clock to each timer it starts.</summary>
    public async Task<T> DriveAsync<T>(Task<T> work)
    {
        while (!work.IsCompleted)
        {
            var next = started.Reader.ReadAsync().AsTask();
            if (await Task.WhenAny(work, next).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false) == work)
            {
                break;
            }

            var due = await next.ConfigureAwait(false);
            if (due != Timeout.InfiniteTimeSpan)
            {
                Advance(due);
            }
        }

        return await work.ConfigureAwait(false);
    }
}
