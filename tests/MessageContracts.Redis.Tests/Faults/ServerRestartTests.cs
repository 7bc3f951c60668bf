using MessageContracts.Redis.Tests.Support;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Redis.Tests.Faults;

/// <summary>
/// The Redis server killed (SIGKILL) and started again under running services: each test has a redis-server of its own
/// (<see cref="OwnRedisServer"/>), which holds the streams, the groups and the deduplication store. The services are
/// never restarted: their consumers and publishers must recover on their own.
/// </summary>
public sealed class ServerRestartTests(ITestOutputHelper output)
{
    private const string CommandTopic = "redis-tests.deliver-parcel";
    private const string EventTopic = "redis-tests.parcel-scanned";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task With_persistence_consumers_and_publishers_recover_and_every_acknowledged_publish_is_handled_once()
    {
        await using var redis = await OwnRedisServer.StartAsync(appendOnly: true, output);
        await using var store = await ConnectAsync(redis.Configuration);
        var gate = new DeliveryGate();

        // The consumer's reads time out after a second, so the outage reaches it as failed reads, not only as a wait.
        await using var consumer = await FaultHost.StartAsync(redis.Configuration + ",asyncTimeout=1000", "couriers", store, handles: true, gate);

        // Two publishers that differ only in how long a command may wait for the server (StackExchange.Redis queues
        // what is sent while it is disconnected, until the command's timeout).
        await using var publisher = await FaultHost.StartAsync(redis.Configuration + ",asyncTimeout=2000", "front-desk", store, handles: false);
        await using var patient = await FaultHost.StartAsync(redis.Configuration + ",asyncTimeout=60000", "front-desk-patient", store, handles: false);

        var published = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            published.Add((await publisher.Sender.SendAsync(new DeliverParcel($"before-{i}", Refused: false))).MessageId);
        }

        // A handler is running when the server dies: its entry is read and pending, not yet acknowledged.
        published.Add((await publisher.Sender.SendAsync(new DeliverParcel("hold-1", Refused: false))).MessageId);
        await gate.Entered.WaitAsync(Patience);

        // Stored by Redis and not read yet (the stream's one consumer is busy with the held handler): only the AOF keeps them.
        for (var i = 0; i < 5; i++)
        {
            published.Add((await publisher.Sender.SendAsync(new DeliverParcel($"behind-{i}", Refused: false))).MessageId);
        }

        redis.Kill();
        await Eventually.HoldsAsync(
            () => Task.FromResult(!publisher.Connection.IsConnected && !patient.Connection.IsConnected && !consumer.Connection.IsConnected),
            Patience,
            "every service to see its connection lost");

        // A publish during the outage waits for the server up to its timeout: past it, it fails with its ID, possibly
        // written (here it was not: the server was down all along).
        var failed = await Assert.ThrowsAsync<PublishException>(() => publisher.Sender.SendAsync(new DeliverParcel("while-down", Refused: false)));
        Assert.False(string.IsNullOrEmpty(failed.MessageId));
        Assert.Equal(MessagePersistence.PossiblyWritten, failed.Persistence);

        // One with a longer timeout is still waiting when the server comes back, and completes after the recovery.
        var queued = patient.Sender.SendAsync(new DeliverParcel("queued", Refused: false));

        // The event stream's reader (idle: nothing published there yet) has seen its reads fail.
        await Eventually.HoldsAsync(
            () => Task.FromResult(consumer.Logs.Contains("Reading or settling Redis stream " + EventTopic + " failed")),
            Patience,
            "the consumer's event reads to fail");
        Assert.False(queued.IsCompleted);

        await redis.StartAsync();
        gate.Release();
        published.Add((await queued.WaitAsync(Patience)).MessageId);

        // The publisher reconnects on its own; the failed publish goes again under its ID.
        await Eventually.HoldsAsync(() => Task.FromResult(publisher.Connection.IsConnected), Patience, "the publisher to reconnect");
        await publisher.Sender.SendAsync(new DeliverParcel("while-down", Refused: false), new PublishOptions { MessageId = failed.MessageId });
        published.Add(failed.MessageId);
        for (var i = 0; i < 10; i++)
        {
            published.Add((await publisher.Sender.SendAsync(new DeliverParcel($"after-{i}", Refused: false))).MessageId);
        }

        // The event reader whose reads failed reads again.
        var scanned = await publisher.Publisher.PublishAsync(new ParcelScanned("p-1", "north"));
        await consumer.Scans.WaitForCountAsync(1, Patience);

        await consumer.Deliveries.WaitUntilAsync(
            seen => published.All(id => seen.Any(d => d.Context.MessageId == id)),
            Patience,
            "every acknowledged publish handled");
        await AllAcknowledgedAsync(store, CommandTopic, RedisTransportOptions.DefaultCommandGroup, published.Count);

        var handled = consumer.Deliveries.Snapshot().Select(d => d.Context.MessageId).ToList();
        output.WriteLine($"published {published.Count}, handled {handled.Count}, stream length {await store.GetDatabase().StreamLengthAsync(CommandTopic)}");
        output.WriteLine(string.Join('\n', consumer.Logs.Lines));
        Assert.Equal(published.Order(StringComparer.Ordinal), handled.Order(StringComparer.Ordinal));
        Assert.Equal(scanned.MessageId, Assert.Single(consumer.Scans.Snapshot()).Context.MessageId);
    }

    [Fact]
    public async Task Without_persistence_consumers_and_publishers_recover_and_only_what_was_published_after_the_restart_remains()
    {
        await using var redis = await OwnRedisServer.StartAsync(appendOnly: false, output);
        await using var store = await ConnectAsync(redis.Configuration);
        await using var consumer = await FaultHost.StartAsync(redis.Configuration + ",asyncTimeout=1000", "couriers", store, handles: true);
        await using var publisher = await FaultHost.StartAsync(redis.Configuration, "front-desk", store, handles: false);

        for (var i = 0; i < 5; i++)
        {
            await publisher.Sender.SendAsync(new DeliverParcel($"before-{i}", Refused: false));
        }

        await consumer.Deliveries.WaitForCountAsync(5, Patience);
        await AllAcknowledgedAsync(store, CommandTopic, RedisTransportOptions.DefaultCommandGroup, 5);

        redis.Kill();
        await Eventually.HoldsAsync(
            () => Task.FromResult(!publisher.Connection.IsConnected && !consumer.Connection.IsConnected),
            Patience,
            "both services to see their connection lost");
        await Eventually.HoldsAsync(
            () => Task.FromResult(consumer.Logs.Contains("Reading or settling Redis stream " + CommandTopic + " failed")),
            Patience,
            "the consumer's reads to fail");
        await redis.StartAsync();

        // The server starts empty: no stream, no group, no processed IDs. The consumer creates its group again (NOGROUP)
        // at the stream's start, so what is published from now on is handled, once.
        await Eventually.HoldsAsync(() => Task.FromResult(publisher.Connection.IsConnected), Patience, "the publisher to reconnect");
        var after = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            after.Add((await publisher.Sender.SendAsync(new DeliverParcel($"after-{i}", Refused: false))).MessageId);
        }

        await consumer.Deliveries.WaitForCountAsync(10, Patience);
        await AllAcknowledgedAsync(store, CommandTopic, RedisTransportOptions.DefaultCommandGroup, after.Count);
        Assert.Equal(after.Order(StringComparer.Ordinal), consumer.Deliveries.Snapshot().Skip(5).Select(d => d.Context.MessageId).Order(StringComparer.Ordinal));
        Assert.Equal(5, await store.GetDatabase().StreamLengthAsync(CommandTopic));
    }

    /// <summary>The test's own connection (the deduplication store's, and the assertions'), reconnecting by itself.</summary>
    private static async Task<IConnectionMultiplexer> ConnectAsync(string configuration) =>
        await ConnectionMultiplexer.ConnectAsync(RedisConnections.Options(configuration, "fault-test"));

    /// <summary>Waits until <paramref name="group"/> has read at least <paramref name="entries"/> entries of the stream and has none pending.</summary>
    private static Task AllAcknowledgedAsync(IConnectionMultiplexer connection, string stream, string group, int entries) =>
        Eventually.HoldsAsync(
            async () =>
            {
                try
                {
                    var info = (await connection.GetDatabase().StreamGroupInfoAsync(stream)).SingleOrDefault(g => g.Name == group);
                    return info.Name is not null && info.PendingMessageCount == 0 && info.EntriesRead >= entries;
                }
                catch (RedisException)
                {
                    // Still reconnecting.
                    return false;
                }
            },
            Patience,
            $"group {group} to have read and acknowledged {entries} entries of {stream}");
}
