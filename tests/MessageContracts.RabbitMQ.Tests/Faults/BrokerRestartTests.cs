using System.Diagnostics;
using MessageContracts.RabbitMQ.Consuming;
using MessageContracts.RabbitMQ.Publishing;
using MessageContracts.RabbitMQ.Topology;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Xunit;

namespace MessageContracts.RabbitMQ.Tests.Faults;

/// <summary>Restarting the broker stops every other test's connections: this collection runs alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrokerRestartCollection
{
    public const string Name = "RabbitMQ broker restart";
}

/// <summary>
/// The peers' most reported RabbitMQ failure: consumers that never resume after a broker restart, and publishes that
/// hang after a recovery. Here the broker's node is stopped and started (the restart tests' own node,
/// <see cref="RestartNodeVirtualHost"/>) with deliveries in flight.
/// </summary>
[Collection(BrokerRestartCollection.Name)]
public sealed class BrokerRestartTests(RestartNodeVirtualHost vhost) : IClassFixture<RestartNodeVirtualHost>
{
    [Fact]
    public async Task After_a_broker_restart_the_consumer_resumes_in_flight_deliveries_come_again_and_publishes_complete()
    {
        var publishing = await vhost.ConnectAsync("restart-publisher");
        var consuming = await vhost.ConnectAsync("restart-consumer");
        var contract = RabbitMqContract.Of<DeliverParcel>();
        var builder = new RabbitMqTopologyBuilder("restart", new RabbitMqTopologyOptions { RetryDelays = [] });
        await TopologyProvisioner.EnsureAsync(publishing, vhost.Name, builder.Consumes(contract).Build(), vhost.Management, CancellationToken.None);
        var queue = builder.ConsumedQueue(contract);

        // The command's queue is the class's: the other test's message, stored once its memory alarm cleared, may be in it.
        await using (var setup = await publishing.CreateChannelAsync())
        {
            await setup.QueuePurgeAsync(queue);
        }

        await using var publisher = await ConfirmedPublisher.OpenAsync(publishing, TimeSpan.FromSeconds(10), CancellationToken.None);

        // The callback holds the deliveries of the second batch until the broker is down: they are in flight, never acked.
        var log = new DeliveryLog();
        var held = new HashSet<string>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelledInFlight = 0;
        await using var consumer = await QueueConsumer.StartAsync(consuming, queue, concurrency: 8, async (delivery, cancellationToken) =>
        {
            log.Add(delivery);
            bool hold;
            lock (held)
            {
                hold = held.Contains(delivery.MessageId!) && !release.Task.IsCompleted;
            }

            if (hold)
            {
                // Held until the channel goes: the consumer cancels callbacks in flight when it does.
                try
                {
                    await release.Task.WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref cancelledInFlight);
                    throw;
                }
            }
        });

        var before = await PublishAsync(publisher, 10, "before");
        await log.WaitUntilAsync(seen => Covers(seen, before), "the first batch");

        var inFlight = Messages(5, "in-flight");
        lock (held)
        {
            held.UnionWith(inFlight.Select(message => message.MessageId));
        }

        foreach (var message in inFlight)
        {
            await publisher.PublishAsync(message, CancellationToken.None);
        }

        var inFlightIds = inFlight.Select(message => message.MessageId).ToList();
        await log.WaitUntilAsync(seen => Covers(seen, inFlightIds), "the in-flight batch");

        var whileDown = Messages(1, "while-down")[0];
        var publisherDown = ShutdownOf(publishing);
        var consumerDown = ShutdownOf(consuming);
        var publisherBack = RecoveryOf(publishing);
        var consumerBack = RecoveryOf(consuming);
        try
        {
            await vhost.StopNodeAsync();
            await Task.WhenAll(publisherDown, consumerDown).WaitAsync(TimeSpan.FromSeconds(30));

            // A publish while the broker is down fails, with its ID, instead of hanging.
            var failed = await Assert.ThrowsAsync<RabbitMqPublishException>(() => publisher.PublishAsync(whileDown, CancellationToken.None));
            Assert.Equal(whileDown.MessageId, failed.MessageId);
            Assert.Contains(failed.Failure, new[] { RabbitMqPublishFailure.ConnectionLost, RabbitMqPublishFailure.TimedOut });
        }
        finally
        {
            release.TrySetResult();
            await vhost.StartNodeAsync();
        }

        await Task.WhenAll(publisherBack, consumerBack).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(inFlightIds.Count, Volatile.Read(ref cancelledInFlight));

        // Publishes after the recovery complete (confirmed), within their timeout; the one that failed goes again under its ID.
        var after = await PublishAsync(publisher, 10, "after");
        await publisher.PublishAsync(whileDown, CancellationToken.None);
        after.Add(whileDown.MessageId);

        await log.WaitUntilAsync(
            seen => Covers(seen, after) && inFlightIds.All(id => seen.Count(delivery => delivery.MessageId == id) >= 2),
            "the last batch and the in-flight batch delivered again");

        Assert.All(inFlightIds, id => Assert.Contains(log.All, delivery => delivery.MessageId == id && delivery.Redelivered));
        var published = before.Concat(inFlightIds).Concat(after).ToHashSet();
        Assert.Superset(published, log.All.Select(delivery => delivery.MessageId!).ToHashSet());
        Assert.Equal(published, log.All.Select(delivery => delivery.MessageId!).ToHashSet());
        Assert.True(consuming.IsOpen && publishing.IsOpen);
    }

    [Fact]
    public async Task A_publish_the_broker_never_confirms_fails_after_its_timeout_with_its_message_id()
    {
        var connection = await vhost.ConnectAsync("blocked-publisher");
        var builder = new RabbitMqTopologyBuilder("blocked", new RabbitMqTopologyOptions { RetryDelays = [] });
        await TopologyProvisioner.EnsureAsync(connection, vhost.Name, builder.Consumes(RabbitMqContract.Of<DeliverParcel>()).Build(), vhost.Management, CancellationToken.None);
        var timeout = TimeSpan.FromSeconds(2);
        await using var publisher = await ConfirmedPublisher.OpenAsync(connection, timeout, CancellationToken.None);
        var blocked = Messages(1, "blocked")[0];

        // A memory alarm: the broker blocks publishing connections and confirms nothing until it clears.
        var connectionBlocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionBlockedAsync += (_, _) => { connectionBlocked.TrySetResult(); return Task.CompletedTask; };
        RabbitMqPublishException exception;
        var started = Stopwatch.StartNew();
        try
        {
            await vhost.RabbitMqCtlAsync("set_vm_memory_high_watermark", "0");
            var publish = publisher.PublishAsync(blocked, CancellationToken.None);
            await connectionBlocked.Task.WaitAsync(TimeSpan.FromSeconds(30));
            exception = await Assert.ThrowsAsync<RabbitMqPublishException>(() => publish);
        }
        finally
        {
            await vhost.RabbitMqCtlAsync("set_vm_memory_high_watermark", "0.4");
        }

        Assert.Equal(RabbitMqPublishFailure.TimedOut, exception.Failure);
        Assert.Equal(blocked.MessageId, exception.MessageId);
        Assert.IsType<TimeoutException>(exception.InnerException);
        Assert.True(started.Elapsed >= timeout, $"failed after {started.Elapsed}, before its timeout");
        Assert.True(started.Elapsed < timeout + TimeSpan.FromSeconds(15), $"failed after {started.Elapsed}, long past its timeout of {timeout}");
    }

    private static bool Covers(IReadOnlyList<RabbitMqDelivery> seen, IEnumerable<string> ids)
    {
        var received = seen.Select(delivery => delivery.MessageId).ToHashSet();
        return ids.All(received.Contains);
    }

    private static List<OutgoingRabbitMessage> Messages(int count, string batch) =>
        Enumerable.Range(0, count).Select(i => TestMessages.Of(new DeliverParcel($"{batch}-{i}", "Road 1"))).ToList();

    private static async Task<List<string>> PublishAsync(ConfirmedPublisher publisher, int count, string batch)
    {
        var messages = Messages(count, batch);
        await Task.WhenAll(messages.Select(message => publisher.PublishAsync(message, CancellationToken.None)));
        return messages.Select(message => message.MessageId).ToList();
    }

    private static Task ShutdownOf(IConnection connection)
    {
        var down = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionShutdownAsync += (_, _) => { down.TrySetResult(); return Task.CompletedTask; };
        return down.Task;
    }

    private static Task RecoveryOf(IConnection connection)
    {
        var back = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.RecoverySucceededAsync += (_, _) => { back.TrySetResult(); return Task.CompletedTask; };
        return back.Task;
    }
}
