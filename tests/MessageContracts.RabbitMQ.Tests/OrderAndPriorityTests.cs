using MessageContracts.RabbitMQ.Connections;
using MessageContracts.RabbitMQ.Publishing;
using MessageContracts.RabbitMQ.Topology;
using Xunit;

namespace MessageContracts.RabbitMQ.Tests;

/// <summary>
/// Order per queue with a single active consumer (docs/transports.md, "Order"), and the startup check that refuses
/// message priorities the broker's queues cannot honour.
/// </summary>
public sealed class OrderAndPriorityTests(RabbitMqVirtualHost virtualHost) : IClassFixture<RabbitMqVirtualHost>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    [Fact]
    public async Task With_a_single_active_consumer_two_instances_handle_a_queue_backlog_one_message_at_a_time_in_queue_order()
    {
        var service = Unique("conveyor");
        var belt = Unique("belt");
        const int Steps = 60;
        void InOrder(RabbitMQ.RabbitMqTransportOptions rabbit) => rabbit.SingleActiveConsumerFor<BeltMoved>();

        // The first start declares the queue; the backlog is published while no instance runs, in order, each confirmed.
        await (await RabbitMqTestHost.StartAsync(virtualHost, service, transport: InOrder)).DisposeAsync();
        var connection = await virtualHost.ConnectAsync();
        await using (var publisher = await ConfirmedPublisher.OpenAsync(connection, Timeout, CancellationToken.None))
        {
            for (var step = 0; step < Steps; step++)
            {
                await publisher.PublishAsync(TestMessages.Of(new BeltMoved(belt, step)), CancellationToken.None);
            }
        }

        // Two instances of the service, each allowed MaxConcurrency = 4 handlers: the queue still goes one at a time.
        var store = new InMemoryDeduplicationStore();
        await using var first = await RabbitMqTestHost.StartAsync(virtualHost, service, store, transport: InOrder);
        await using var second = await RabbitMqTestHost.StartAsync(virtualHost, service, store, transport: InOrder);
        bool AllHandled() => first.Log.Succeeded(belt).Count + second.Log.Succeeded(belt).Count >= Steps;
        await Task.WhenAny(first.Log.WaitUntilAsync(_ => AllHandled(), "every step"), second.Log.WaitUntilAsync(_ => AllHandled(), "every step"));

        Assert.Equal(Enumerable.Range(0, Steps), BeltMovedHandler.StepsOf(belt));
    }

    [Fact]
    public async Task Turning_single_active_consumer_on_for_an_existing_queue_fails_startup_naming_the_argument()
    {
        var service = Unique("sorting");
        await (await RabbitMqTestHost.StartAsync(virtualHost, service)).DisposeAsync();

        var mismatch = await Assert.ThrowsAsync<TopologyMismatchException>(() =>
            RabbitMqTestHost.StartAsync(virtualHost, service, transport: rabbit => rabbit.SingleActiveConsumer = true));

        Assert.Contains($"queue 'hosts.belt-moved.{service}': argument x-single-active-consumer", mismatch.Message);
    }

    [Fact]
    public async Task Asking_for_priorities_fails_startup_on_this_broker_saying_why_and_what_to_change()
    {
        var refused = await Assert.ThrowsAsync<NotSupportedException>(() =>
            RabbitMqTestHost.StartAsync(virtualHost, Unique("dispatch"), transport: rabbit => rabbit.Priorities = true));

        // The broker here is RabbitMQ 3.10.x: quorum queues without priorities.
        Assert.Contains("RabbitMQ 3.10.", refused.Message);
        Assert.Contains("quorum queues", refused.Message);
        Assert.Contains("Upgrade the broker to 4.0 or later", refused.Message);
        Assert.Contains("Priorities = false", refused.Message);
    }

    [Fact]
    public void On_RabbitMQ_4_the_priorities_check_says_the_contracts_carry_no_priority_yet()
    {
        Assert.Contains("does not carry a priority", PrioritiesCheck.Reason("4.0.5"));
        Assert.Contains("Upgrade the broker", PrioritiesCheck.Reason("3.13.7"));
        Assert.Contains("did not announce a version", PrioritiesCheck.Reason(null));
    }
}
