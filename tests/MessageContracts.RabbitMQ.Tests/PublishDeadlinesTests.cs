using MessageContracts.RabbitMQ.Publishing;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace MessageContracts.RabbitMQ.Tests;

/// <summary>Publishes share a deadline per slice of time, and each still gets at least the timeout.</summary>
public sealed class PublishDeadlinesTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void Publishes_of_one_slice_share_a_token_and_the_next_slice_gets_another()
    {
        var clock = new FakeTimeProvider();
        var deadlines = new PublishDeadlines(Timeout, clock);

        var first = deadlines.Next();
        clock.Advance(Slice - TimeSpan.FromMilliseconds(1));
        Assert.Equal(first, deadlines.Next());

        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.NotEqual(first, deadlines.Next());
    }

    [Fact]
    public void A_publish_at_the_end_of_a_slice_still_gets_the_whole_timeout_and_at_most_one_slice_more()
    {
        var clock = new FakeTimeProvider();
        var deadlines = new PublishDeadlines(Timeout, clock);

        var first = deadlines.Next();
        clock.Advance(Slice - TimeSpan.FromMilliseconds(1));
        var last = deadlines.Next();

        // The last publish of the slice started 99 ms after the first: its deadline is still the timeout away.
        clock.Advance(Timeout);
        Assert.False(last.IsCancellationRequested);
        Assert.False(first.IsCancellationRequested);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(last.IsCancellationRequested);
    }

    [Fact]
    public void A_short_timeout_gets_short_slices()
    {
        var clock = new FakeTimeProvider();
        var deadlines = new PublishDeadlines(TimeSpan.FromMilliseconds(200), clock);

        var token = deadlines.Next();
        clock.Advance(TimeSpan.FromMilliseconds(219));
        Assert.False(token.IsCancellationRequested);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(token.IsCancellationRequested);
    }
}
