using MessageContracts.RabbitMQ.Consuming;
using Xunit;

namespace MessageContracts.RabbitMQ.Tests;

/// <summary>Which acks settled deliveries get: one multiple ack below the lowest unsettled tag, the rest one by one.</summary>
public sealed class AckWindowTests
{
    [Fact]
    public void A_settled_prefix_is_acknowledged_with_one_multiple_ack()
    {
        var window = Received(1, 2, 3, 4, 5);

        Assert.Equal([(3ul, true)], window.Settle([1, 2, 3]));
        Assert.Equal(2, window.Unsettled);
    }

    [Fact]
    public void Deliveries_settled_behind_an_unsettled_one_are_acknowledged_one_by_one_never_with_a_multiple_ack_over_it()
    {
        var window = Received(1, 2, 3, 4, 5, 6);

        // 1 and 2 are in another lane's batch, still unsettled: a multiple ack of 4 would acknowledge them too.
        Assert.Equal([(3ul, false), (4ul, false)], window.Settle([3, 4]));

        // Once 1 and 2 settle, everything up to 4 is settled: a multiple ack of 2 covers 1 and 2 (3 and 4 are acked already).
        Assert.Equal([(2ul, true)], window.Settle([1, 2]));
        Assert.Equal([(6ul, true)], window.Settle([5, 6]));
        Assert.Equal(0, window.Unsettled);
    }

    [Fact]
    public void A_single_settled_delivery_at_the_front_gets_a_plain_ack_and_returned_deliveries_no_longer_hold_the_floor()
    {
        var window = Received(7, 8, 9);

        Assert.Equal([(7ul, false)], window.Settle([7]));
        window.Returned([8]);
        Assert.Equal([(9ul, false)], window.Settle([9]));
    }

    private static AckWindow Received(params ulong[] tags)
    {
        var window = new AckWindow();
        foreach (var tag in tags)
        {
            window.Received(tag);
        }

        return window;
    }
}
