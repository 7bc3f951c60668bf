using System.Text;
using MessageContracts.Redis.Tests.Support;
using StackExchange.Redis;
using Xunit;

namespace MessageContracts.Redis.Tests;

/// <summary>
/// The Redis Streams transport end to end with real hosts: the generated contracts and handlers, AddMessageContracts with
/// UseRedis, the Redis deduplication store, on the server MESSAGECONTRACTS_REDIS names. Each test has a key prefix of its own.
/// </summary>
public sealed class RedisStreamsTransportTests(RedisServer server) : IClassFixture<RedisServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private const string EventTopic = "redis-tests.parcel-scanned";
    private const string CommandTopic = "redis-tests.deliver-parcel";

    private readonly string prefix = server.Prefix + Guid.NewGuid().ToString("N")[..8] + ":";

    private IDatabase Redis => server.Database;

    [Fact]
    public async Task An_event_fans_out_to_every_consuming_service_with_its_attributes_as_stream_fields()
    {
        await using var billing = await RedisHost.StartAsync(server, prefix, "billing");
        await using var tracking = await RedisHost.StartAsync(server, prefix, "tracking");

        var published = await billing.Publisher.PublishAsync(new ParcelScanned("p-1", "north"));

        await billing.Scans.WaitForCountAsync(1, Patience);
        await tracking.Scans.WaitForCountAsync(1, Patience);
        await AllAcknowledgedAsync(EventTopic, "billing", 1);
        await AllAcknowledgedAsync(EventTopic, "tracking", 1);
        Assert.Equal(published.MessageId, Assert.Single(billing.Scans.Snapshot()).Context.MessageId);
        Assert.Equal("p-1", Assert.Single(tracking.Scans.Snapshot()).Message.ParcelId);

        var entry = Assert.Single(await Redis.StreamRangeAsync(prefix + EventTopic));
        Assert.Equal(published.MessageId, (string?)entry[MessageHeaders.Id]);
        Assert.Equal(MessageHeaders.SpecVersionValue, (string?)entry[MessageHeaders.SpecVersion]);
        Assert.Equal("billing", (string?)entry[MessageHeaders.Source]);
        Assert.False(entry[MessageHeaders.Type].IsNullOrEmpty);
        Assert.Contains("\"north\"", (string?)entry["data"]);
        Assert.Equal(["billing", "tracking"], (await Redis.StreamGroupInfoAsync(prefix + EventTopic)).Select(g => g.Name).Order());
    }

    [Fact]
    public async Task A_command_is_handled_by_one_of_its_owners_only()
    {
        await using var first = await RedisHost.StartAsync(server, prefix, "couriers");
        await using var second = await RedisHost.StartAsync(server, prefix, "couriers-backup");

        var sent = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            sent.Add((await first.Sender.SendAsync(new DeliverParcel($"p-{i}", Refused: false))).MessageId);
        }

        await AllAcknowledgedAsync(CommandTopic, RedisTransportOptions.DefaultCommandGroup, 20);
        var handled = first.Deliveries.Snapshot().Concat(second.Deliveries.Snapshot()).Select(d => d.Context.MessageId).ToList();
        Assert.Equal(sent.Order(), handled.Order());
        Assert.Equal([RedisTransportOptions.DefaultCommandGroup], (await Redis.StreamGroupInfoAsync(prefix + CommandTopic)).Select(g => g.Name));
    }

    [Fact]
    public async Task A_second_copy_of_a_message_id_is_handled_once()
    {
        await using var host = await RedisHost.StartAsync(server, prefix, "couriers");

        await host.Sender.SendAsync(new DeliverParcel("p-1", Refused: false), new PublishOptions { MessageId = "delivery-once" });
        await host.Sender.SendAsync(new DeliverParcel("p-1", Refused: false), new PublishOptions { MessageId = "delivery-once" });
        await host.Sender.SendAsync(new DeliverParcel("p-2", Refused: false));

        // All three entries settled and acknowledged, the copy among them; only two ran the handler.
        await AllAcknowledgedAsync(CommandTopic, RedisTransportOptions.DefaultCommandGroup, 3);
        Assert.Equal(["p-1", "p-2"], host.Deliveries.Snapshot().Select(d => d.Message.ParcelId));
        Assert.Equal(3, await Redis.StreamLengthAsync(prefix + CommandTopic));
    }

    [Fact]
    public async Task Pending_entries_of_a_killed_consumer_are_reclaimed_by_another_instance_and_handled_once()
    {
        await using (var sender = await RedisHost.StartAsync(server, prefix, "front-desk", handles: false))
        {
            await Redis.StreamCreateConsumerGroupAsync(prefix + CommandTopic, RedisTransportOptions.DefaultCommandGroup, "0-0", createStream: true);
            for (var i = 0; i < 5; i++)
            {
                await sender.Sender.SendAsync(new DeliverParcel($"p-{i}", Refused: false));
            }
        }

        // A consumer read them and died before acknowledging any: they are pending under its name.
        var taken = await Redis.StreamReadGroupAsync(prefix + CommandTopic, RedisTransportOptions.DefaultCommandGroup, "killed-consumer", ">", 10);
        Assert.Equal(5, taken.Length);

        await using var survivor = await RedisHost.StartAsync(
            server,
            prefix,
            "couriers",
            options => options.DeduplicationLease = TimeSpan.FromSeconds(1),
            redis =>
            {
                redis.ReclaimMinIdleTime = TimeSpan.FromSeconds(1.5);
                redis.ReclaimInterval = TimeSpan.FromMilliseconds(100);
            });

        await survivor.Deliveries.WaitForCountAsync(5, Patience);
        await AllAcknowledgedAsync(CommandTopic, RedisTransportOptions.DefaultCommandGroup, 5);
        Assert.Equal(["p-0", "p-1", "p-2", "p-3", "p-4"], survivor.Deliveries.Snapshot().Select(d => d.Message.ParcelId).Order());
        var consumers = await Redis.StreamConsumerInfoAsync(prefix + CommandTopic, RedisTransportOptions.DefaultCommandGroup);
        Assert.Equal(0, consumers.Single(c => c.Name == "killed-consumer").PendingMessageCount);
    }

    [Fact]
    public async Task A_stopping_consumer_acknowledges_only_what_it_settled_and_the_rest_is_reclaimed_and_handled_once()
    {
        await using (var sender = await RedisHost.StartAsync(server, prefix, "front-desk", handles: false))
        {
            await Redis.StreamCreateConsumerGroupAsync(prefix + CommandTopic, RedisTransportOptions.DefaultCommandGroup, "0-0", createStream: true);
            foreach (var parcel in new[] { "hold-1", "p-2", "p-3" })
            {
                await sender.Sender.SendAsync(new DeliverParcel(parcel, Refused: false));
            }
        }

        Action<MessageContractsOptions> shortLease = options => options.DeduplicationLease = TimeSpan.FromSeconds(1);
        Action<RedisTransportOptions> quickReclaim = redis =>
        {
            redis.ReclaimMinIdleTime = TimeSpan.FromSeconds(1.5);
            redis.ReclaimInterval = TimeSpan.FromMilliseconds(100);
        };

        // The first instance reads all three in one batch and is stopped while handling the first (the gate opens
        // when its receiver says it is stopping).
        var gate = new DeliveryGate();
        var first = await RedisHost.StartAsync(server, prefix, "couriers", shortLease, quickReclaim, gate: gate);
        var firstDeliveries = first.Deliveries;
        await gate.Entered.WaitAsync(Patience);
        await first.DisposeAsync();

        Assert.Equal(["hold-1"], firstDeliveries.Snapshot().Select(d => d.Message.ParcelId));
        var group = (await Redis.StreamGroupInfoAsync(prefix + CommandTopic)).Single();
        Assert.Equal((3, 2), (group.EntriesRead, group.PendingMessageCount));

        await using var second = await RedisHost.StartAsync(server, prefix, "couriers", shortLease, quickReclaim);
        await second.Deliveries.WaitForCountAsync(2, Patience);
        await AllAcknowledgedAsync(CommandTopic, RedisTransportOptions.DefaultCommandGroup, 3);
        Assert.Equal(["p-2", "p-3"], second.Deliveries.Snapshot().Select(d => d.Message.ParcelId));
    }

    [Fact]
    public async Task MaxConcurrency_bounds_the_handlers_running_at_once_across_streams()
    {
        var gate = new DeliveryGate();
        await using var host = await RedisHost.StartAsync(server, prefix, "couriers", options => options.MaxConcurrency = 1, gate: gate);

        // The only slot is held by a command's handler; an event read meanwhile waits for it.
        await host.Sender.SendAsync(new DeliverParcel("hold-1", Refused: false));
        await gate.Entered.WaitAsync(Patience);
        await host.Publisher.PublishAsync(new ParcelScanned("p-1", "north"));
        await Eventually.HoldsAsync(
            async () => (await Redis.StreamGroupInfoAsync(prefix + EventTopic)).Single().EntriesRead == 1,
            Patience,
            "the event read by its lane");
        gate.Release();

        await host.Scans.WaitForCountAsync(1, Patience);
        await host.Deliveries.WaitForCountAsync(1, Patience);
        Assert.Equal([true], gate.OpenWhenOthersRan);
    }

    [Fact]
    public async Task Poison_entries_go_to_the_dead_letter_stream_with_their_reasons_and_the_stream_goes_on()
    {
        await using var host = await RedisHost.StartAsync(server, prefix, "couriers", options => options.Retry.MaxAttempts = 1);

        // A foreign producer's entry without an envelope, then a command whose handler throws, then a good one.
        var foreign = await Redis.StreamAddAsync(prefix + CommandTopic, [new("partitionkey", "o-1"), new("data", "{\"not\":\"an envelope\"}")]);
        var refused = await host.Sender.SendAsync(new DeliverParcel("p-1", Refused: true));
        await host.Sender.SendAsync(new DeliverParcel("p-2", Refused: false));

        await host.Deliveries.WaitForCountAsync(1, Patience);
        await AllAcknowledgedAsync(CommandTopic, RedisTransportOptions.DefaultCommandGroup, 3);
        var deadLetters = await Redis.StreamRangeAsync(prefix + CommandTopic + ":dead-letter");
        Assert.Equal(2, deadLetters.Length);

        Assert.Equal("o-1", (string?)deadLetters[0]["partitionkey"]);
        Assert.Contains("no headers", (string?)deadLetters[0][MessageHeaders.DeadLetterReason]);
        Assert.Equal(CommandTopic, (string?)deadLetters[0][MessageHeaders.DeadLetterOriginalTopic]);
        Assert.Equal(RedisStreamIds.ToPosition(foreign).ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)deadLetters[0][MessageHeaders.DeadLetterOriginalOffset]);
        Assert.Equal((string?)foreign, RedisStreamIds.FromPosition(long.Parse((string)deadLetters[0][MessageHeaders.DeadLetterOriginalOffset]!, System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(refused.MessageId, (string?)deadLetters[1][MessageHeaders.Id]);
        Assert.Contains("cannot be delivered", (string?)deadLetters[1][MessageHeaders.DeadLetterReason]);
        Assert.Equal("1", (string?)deadLetters[1][MessageHeaders.DeadLetterAttempts]);
        Assert.Equal("couriers", (string?)deadLetters[1][MessageHeaders.DeadLetterConsumerGroup]);
        Assert.Equal("p-2", Assert.Single(host.Deliveries.Snapshot()).Message.ParcelId);
    }

    [Fact]
    public async Task An_entry_delivered_more_often_than_the_limit_is_dead_lettered_without_being_handled()
    {
        string id;
        await using (var sender = await RedisHost.StartAsync(server, prefix, "front-desk", handles: false))
        {
            await Redis.StreamCreateConsumerGroupAsync(prefix + CommandTopic, RedisTransportOptions.DefaultCommandGroup, "0-0", createStream: true);
            id = (await sender.Sender.SendAsync(new DeliverParcel("p-crash", Refused: false))).MessageId;
        }

        // Consumers that crashed on it over and over: delivered, then claimed back three more times.
        var entry = Assert.Single(await Redis.StreamReadGroupAsync(prefix + CommandTopic, RedisTransportOptions.DefaultCommandGroup, "crashed-1", ">", 10));
        for (var i = 2; i <= 4; i++)
        {
            await Redis.StreamClaimAsync(prefix + CommandTopic, RedisTransportOptions.DefaultCommandGroup, $"crashed-{i}", 0, [entry.Id]);
        }

        await using var host = await RedisHost.StartAsync(
            server,
            prefix,
            "couriers",
            options => options.DeduplicationLease = TimeSpan.FromSeconds(1),
            redis =>
            {
                redis.MaxDeliveries = 4;
                redis.ReclaimMinIdleTime = TimeSpan.FromSeconds(1.5);
                redis.ReclaimInterval = TimeSpan.FromMilliseconds(100);
            });

        await Eventually.HoldsAsync(async () => await Redis.StreamLengthAsync(prefix + CommandTopic + ":dead-letter") == 1, Patience, "one dead letter");
        await AllAcknowledgedAsync(CommandTopic, RedisTransportOptions.DefaultCommandGroup, 1);
        var deadLetter = Assert.Single(await Redis.StreamRangeAsync(prefix + CommandTopic + ":dead-letter"));
        Assert.Equal(id, (string?)deadLetter[MessageHeaders.Id]);
        Assert.Contains("Delivered 5 times", (string?)deadLetter[MessageHeaders.DeadLetterReason]);
        Assert.Equal("5", (string?)deadLetter[MessageHeaders.DeadLetterAttempts]);
        Assert.Equal(CommandTopic, (string?)deadLetter[MessageHeaders.DeadLetterOriginalTopic]);
        Assert.Empty(host.Deliveries.Snapshot());
    }

    [Fact]
    public async Task A_group_deleted_under_a_running_consumer_is_created_again_and_reading_goes_on()
    {
        await using var host = await RedisHost.StartAsync(server, prefix, "couriers");
        await host.Sender.SendAsync(new DeliverParcel("p-1", Refused: false));
        await host.Deliveries.WaitForCountAsync(1, Patience);

        Assert.True(await Redis.StreamDeleteConsumerGroupAsync(prefix + CommandTopic, RedisTransportOptions.DefaultCommandGroup));
        await host.Sender.SendAsync(new DeliverParcel("p-2", Refused: false));

        // The new group starts at the stream's start: p-1 comes again and is dropped as processed, p-2 is handled.
        await host.Deliveries.WaitForCountAsync(2, Patience);
        await AllAcknowledgedAsync(CommandTopic, RedisTransportOptions.DefaultCommandGroup, 2);
        Assert.Equal(["p-1", "p-2"], host.Deliveries.Snapshot().Select(d => d.Message.ParcelId));
    }

    [Fact]
    public async Task A_lane_behind_reads_its_next_batch_while_settling_and_acknowledges_only_what_is_settled()
    {
        // Six entries wait before the consumer starts, read two at a time: the lane is behind from its first read.
        await using (var sender = await RedisHost.StartAsync(server, prefix, "front-desk", handles: false))
        {
            await Redis.StreamCreateConsumerGroupAsync(prefix + CommandTopic, RedisTransportOptions.DefaultCommandGroup, "0-0", createStream: true);
            foreach (var parcel in new[] { "hold-1", "p-2", "p-3", "p-4", "p-5", "p-6" })
            {
                await sender.Sender.SendAsync(new DeliverParcel(parcel, Refused: false));
            }
        }

        var gate = new DeliveryGate();
        await using var consumer = await RedisHost.StartAsync(server, prefix, "couriers", configureRedis: redis => redis.ReadBatchSize = 2, gate: gate);
        await gate.Entered.WaitAsync(Patience);

        // The first entry's handler is held: the next batch is read meanwhile (four read), and none of the four is
        // acknowledged, the held one's batch-mate included.
        await Eventually.HoldsAsync(
            async () => (await Redis.StreamGroupInfoAsync(prefix + CommandTopic)).Single().EntriesRead == 4,
            Patience,
            "the next batch to be read while the first is settled");
        var group = (await Redis.StreamGroupInfoAsync(prefix + CommandTopic)).Single();
        Assert.Equal((4, 4), (group.EntriesRead, group.PendingMessageCount));
        Assert.Empty(consumer.Deliveries.Snapshot());

        gate.Release();
        await consumer.Deliveries.WaitForCountAsync(6, Patience);
        await AllAcknowledgedAsync(CommandTopic, RedisTransportOptions.DefaultCommandGroup, 6);
        Assert.Equal(["hold-1", "p-2", "p-3", "p-4", "p-5", "p-6"], consumer.Deliveries.Snapshot().Select(d => d.Message.ParcelId));
    }

    [Fact]
    public async Task Streams_are_trimmed_to_their_retention_on_every_add()
    {
        await using var sender = await RedisHost.StartAsync(
            server,
            prefix,
            "front-desk",
            configureRedis: redis => redis.SetRetention<ParcelScanned>(RedisStreamRetention.Entries(10)),
            handles: false);

        for (var i = 0; i < 300; i++)
        {
            await sender.Publisher.PublishAsync(new ParcelScanned($"p-{i}", "north"));
            await sender.Sender.SendAsync(new DeliverParcel($"p-{i}", Refused: false));
        }

        // Approximate trimming removes whole nodes (100 entries each by default): about the last 10, never fewer.
        Assert.InRange(await Redis.StreamLengthAsync(prefix + EventTopic), 10, 200);
        Assert.Equal(300, await Redis.StreamLengthAsync(prefix + CommandTopic));
    }

    [Fact]
    public async Task Streams_kept_by_age_are_trimmed_by_minimum_id()
    {
        await using var sender = await RedisHost.StartAsync(
            server,
            prefix,
            "front-desk",
            configureRedis: redis => redis.DefaultRetention = RedisStreamRetention.Age(TimeSpan.FromMilliseconds(1)),
            handles: false);

        for (var i = 0; i < 300; i++)
        {
            await sender.Sender.SendAsync(new DeliverParcel($"p-{i}", Refused: false));
        }

        // Whole nodes (100 entries) older than a millisecond are gone by the last add; the newest node stays.
        Assert.InRange(await Redis.StreamLengthAsync(prefix + CommandTopic), 1, 200);
    }

    /// <summary>
    /// Waits until <paramref name="group"/> has read at least <paramref name="entries"/> entries of the topic's stream and
    /// has none pending: everything it read was settled and acknowledged.
    /// </summary>
    private Task AllAcknowledgedAsync(string topic, string group, int entries) =>
        Eventually.HoldsAsync(
            async () =>
            {
                var info = (await Redis.StreamGroupInfoAsync(prefix + topic)).SingleOrDefault(g => g.Name == group);
                return info.Name is not null && info.PendingMessageCount == 0 && info.EntriesRead >= entries;
            },
            Patience,
            $"group {group} to have read and acknowledged {entries} entries of {topic}");
}
