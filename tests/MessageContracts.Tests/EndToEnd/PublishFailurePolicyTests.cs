using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using MessageContracts.Testing;
using MessageContracts.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace MessageContracts.Tests.EndToEnd;

/// <summary>
/// The three answers to a producer timeout, on the embedded Kafka with every broker taken down: Kafka never
/// acknowledges, the producer's bounded retries run out after <see cref="PublishTimeout"/>, and the policy decides.
/// </summary>
[Collection(PublishFailureMetricsCollection.Name)]
public sealed class PublishFailurePolicyTests : IDisposable
{
    private const string Topic = "price-changed";
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly string folder = Path.Combine(Path.GetTempPath(), "messagecontracts-publish-failure-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    [Fact]
    public async Task Retry_throws_a_PublishException_with_the_message_id_once_the_publish_timeout_has_passed()
    {
        await using var kafka = await StartKafkaAsync();
        var log = new InMemoryPublishFailureLog();
        await using var host = await TestHost.StartAsync(kafka, options => Configure(options, log));
        var publisher = host.Services.GetRequiredService<IEventPublisher<PriceChanged>>();
        await WarmUpAsync(host, publisher);
        using var failures = new MeterCapture("messagecontracts.messages.publish_failed");

        kafka.SetBrokerDown(EmbeddedKafka.AllBrokers);
        var clock = Stopwatch.StartNew();
        var exception = await Assert.ThrowsAsync<PublishException>(() => publisher.PublishAsync(new PriceChanged("sku-1", 9.99m)));
        clock.Stop();

        Assert.True(Guid.TryParse(exception.MessageId, out var id) && id.Version == 7, $"'{exception.MessageId}' is not a UUIDv7.");
        Assert.Equal(Topic, exception.Topic);
        Assert.Contains(exception.MessageId, exception.Message);
        var produce = Assert.IsType<ProduceException<byte[]?, byte[]>>(exception.InnerException);
        Assert.Equal(ErrorCode.Local_MsgTimedOut, produce.Error.Code);
        // No broker was reachable, so the record never left the process: Kafka cannot have it.
        Assert.Equal(MessagePersistence.NotWritten, exception.Persistence);
        Assert.Contains("cannot make a second copy", exception.Message);
        Assert.InRange(clock.Elapsed, PublishTimeout - TimeSpan.FromMilliseconds(200), PublishTimeout + TimeSpan.FromSeconds(10));
        Assert.Equal(1, failures.Sum(("messaging.destination.name", Topic), ("messagecontracts.publish.failure_policy", "Retry")));
        Assert.Equal(0, await log.CountAsync(default));
        kafka.SetBrokerUp(EmbeddedKafka.AllBrokers); // the host then stops at once instead of waiting on the brokers
    }

    [Fact]
    public async Task Ignore_returns_not_delivered_without_throwing_and_counts_the_failure()
    {
        await using var kafka = await StartKafkaAsync();
        var log = new InMemoryPublishFailureLog();
        await using var host = await TestHost.StartAsync(kafka, options =>
        {
            Configure(options, log);
            options.PublishFailurePolicy = PublishFailurePolicy.Ignore;
        });
        var publisher = host.Services.GetRequiredService<IEventPublisher<PriceChanged>>();
        await WarmUpAsync(host, publisher);
        using var failures = new MeterCapture("messagecontracts.messages.publish_failed");

        kafka.SetBrokerDown(EmbeddedKafka.AllBrokers);
        var results = await Task.WhenAll(
            publisher.PublishAsync(new PriceChanged("sku-1", 1m)),
            publisher.PublishAsync(new PriceChanged("sku-2", 2m)));

        foreach (var result in results)
        {
            Assert.Equal(PublishOutcome.NotDelivered, result.Outcome);
            Assert.False(result.Delivered);
            Assert.Equal(Topic, result.Topic);
            Assert.Equal(-1, result.Partition);
            Assert.Equal(-1, result.Offset);
            Assert.StartsWith("Local_MsgTimedOut", result.FailureReason);
        }

        Assert.NotEqual(results[0].MessageId, results[1].MessageId);
        Assert.Equal(2, failures.Sum(("messaging.destination.name", Topic), ("messagecontracts.publish.failure_policy", "Ignore"), ("error.type", "Local_MsgTimedOut")));
        Assert.Equal(0, await log.CountAsync(default));
        kafka.SetBrokerUp(EmbeddedKafka.AllBrokers);
    }

    [Fact]
    public async Task LogFailure_logs_the_complete_record_and_a_replay_after_the_outage_delivers_it_once_with_the_same_id()
    {
        await using var kafka = await StartKafkaAsync();
        var log = new SqlitePublishFailureLog("Data Source=" + Path.Combine(folder, "failures.db"));
        await using var host = await TestHost.StartAsync(kafka, options =>
        {
            Configure(options, log);
            options.SetPublishFailurePolicy<PriceChanged>(PublishFailurePolicy.LogFailure);
        });
        var publisher = host.Services.GetRequiredService<IEventPublisher<PriceChanged>>();
        var replayer = host.Services.GetRequiredService<IPublishFailureReplayer>();
        Assert.Same(log, host.Services.GetRequiredService<IPublishFailureLog>());
        var received = host.Services.GetRequiredService<Received<PriceChanged>>();
        await WarmUpAsync(host, publisher);

        // Kafka is unreachable for the whole publish timeout: the producer's retries run out and each record is logged.
        kafka.SetBrokerDown(EmbeddedKafka.AllBrokers);
        var sent = Enumerable.Range(1, 8).Select(i => new PriceChanged("sku-1", i))
            .Concat(Enumerable.Range(101, 4).Select(i => new PriceChanged("sku-2", i)))
            .ToArray();
        var results = await Task.WhenAll(sent.Select(price => publisher.PublishAsync(price)));
        Assert.All(results, result => Assert.Equal(PublishOutcome.Logged, result.Outcome));
        Assert.All(results, result => Assert.StartsWith("Local_MsgTimedOut", result.FailureReason));

        var logged = await log.ReadAsync(0, 100, default);
        Assert.Equal(results.Select(r => r.MessageId).Order(), logged.Select(r => r.MessageId).Order());
        foreach (var (price, result) in sent.Zip(results))
        {
            var record = logged.Single(r => r.MessageId == result.MessageId);
            Assert.Equal(Topic, record.Topic);
            Assert.Equal("PriceChanged", record.MessageType);
            Assert.Equal(price.Sku, Encoding.UTF8.GetString(record.Key!));
            Assert.Equal(price, Deserialize<PriceChanged>(record.Value));
            Assert.Equal(result.MessageId, HeaderOf(record, MessageHeaders.Id));
            Assert.Equal("PriceChanged", HeaderOf(record, MessageHeaders.Type));
            Assert.Equal("message-contracts-tests", HeaderOf(record, MessageHeaders.Source));
            Assert.NotNull(HeaderOf(record, MessageHeaders.Time));
            Assert.StartsWith("Local_MsgTimedOut", record.Reason);
            Assert.Equal(1, record.Attempts);
            Assert.Equal(record.FailedAt, record.LastAttemptAt);
        }

        // Each key's records are in the log in publish order, so a replay sends them in that order.
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (decimal)i), logged.Where(r => r.Key!.SequenceEqual("sku-1"u8.ToArray())).Select(r => Deserialize<PriceChanged>(r.Value).Price));
        Assert.Equal(Enumerable.Range(101, 4).Select(i => (decimal)i), logged.Where(r => r.Key!.SequenceEqual("sku-2"u8.ToArray())).Select(r => Deserialize<PriceChanged>(r.Value).Price));

        // A replay while Kafka is still down fails again: the records stay, with one more attempt each.
        var early = await replayer.ReplayAsync();
        Assert.Equal(new PublishFailureReplayResult(Replayed: 0, Failed: sent.Length, Remaining: sent.Length), early);
        Assert.All(await log.ReadAsync(0, 100, default), record => Assert.Equal(2, record.Attempts));

        kafka.SetBrokerUp(EmbeddedKafka.AllBrokers);
        await WaitUntilKafkaAcknowledgesAgainAsync(publisher);
        var replay = await replayer.ReplayAsync();
        Assert.Equal(new PublishFailureReplayResult(Replayed: sent.Length, Failed: 0, Remaining: 0), replay);
        Assert.Equal(new PublishFailureReplayResult(0, 0, 0), await replayer.ReplayAsync());

        var replayedIds = results.Select(r => r.MessageId).ToHashSet();
        await received.WaitUntilAsync(
            seen => seen.Count(h => replayedIds.Contains(h.Context.MessageId)) >= replayedIds.Count,
            Patience,
            $"the {replayedIds.Count} replayed messages");

        await host.DisposeAsync(); // a late duplicate would still be counted below

        var handled = received.Snapshot().Where(h => h.Message.Sku is not ("warm-up" or "probe")).ToArray();
        Assert.Equal(results.Select(r => r.MessageId).Order(), handled.Select(h => h.Context.MessageId).Order());
        foreach (var (price, result) in sent.Zip(results))
        {
            Assert.Equal(price, handled.Single(h => h.Context.MessageId == result.MessageId).Message);
        }

        // One key's messages kept their order through the log and the replay.
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (decimal)i), handled.Where(h => h.Message.Sku == "sku-1").Select(h => h.Message.Price));
        Assert.Equal(Enumerable.Range(101, 4).Select(i => (decimal)i), handled.Where(h => h.Message.Sku == "sku-2").Select(h => h.Message.Price));

        // Kafka holds each replayed ID exactly once (besides the warm-up and probe messages).
        var ids = ReadIds(kafka.BootstrapServers, Topic, expected: 2 + sent.Length);
        Assert.All(results, result => Assert.Single(ids, id => id == result.MessageId));
    }

    [Fact]
    public async Task A_policy_given_to_the_call_beats_the_contracts_which_beats_the_global_one()
    {
        await using var kafka = await StartKafkaAsync();
        kafka.CreateTopic("shipping.requests");
        var log = new InMemoryPublishFailureLog();
        await using var host = await TestHost.StartAsync(kafka, options =>
        {
            Configure(options, log);
            options.PublishFailurePolicy = PublishFailurePolicy.Retry;
            options.SetPublishFailurePolicy<PriceChanged>(PublishFailurePolicy.Ignore);
        });
        var publisher = host.Services.GetRequiredService<IEventPublisher<PriceChanged>>();
        var sender = host.Services.GetRequiredService<ICommandSender<ShipmentRequested>>();
        await WarmUpAsync(host, publisher);

        kafka.SetBrokerDown(EmbeddedKafka.AllBrokers);
        var contractPolicy = publisher.PublishAsync(new PriceChanged("sku-1", 1m));
        var callBeatsContract = publisher.PublishAsync(new PriceChanged("sku-2", 2m), PublishFailurePolicy.LogFailure);
        var callRetryBeatsContract = publisher.PublishAsync(new PriceChanged("sku-3", 3m), PublishFailurePolicy.Retry);
        var globalPolicy = sender.SendAsync(new ShipmentRequested("o-1", 1, FailInHandler: false));
        var callBeatsGlobal = sender.SendAsync(new ShipmentRequested("o-2", 1, FailInHandler: false), PublishFailurePolicy.Ignore);

        Assert.Equal(PublishOutcome.NotDelivered, (await contractPolicy).Outcome);
        var logged = await callBeatsContract;
        Assert.Equal(PublishOutcome.Logged, logged.Outcome);
        await Assert.ThrowsAsync<PublishException>(() => callRetryBeatsContract);
        var thrown = await Assert.ThrowsAsync<PublishException>(() => globalPolicy);
        Assert.Equal("shipping.requests", thrown.Topic);
        Assert.Equal(PublishOutcome.NotDelivered, (await callBeatsGlobal).Outcome);
        Assert.Equal([logged.MessageId], (await log.ReadAsync(0, 10, default)).Select(r => r.MessageId));
        kafka.SetBrokerUp(EmbeddedKafka.AllBrokers);
    }

    [Fact]
    public async Task LogFailure_throws_when_the_failure_log_cannot_take_the_record_either()
    {
        await using var kafka = await StartKafkaAsync();
        await using var host = await TestHost.StartAsync(kafka, options =>
        {
            Configure(options, new UnwritableFailureLog());
            options.PublishFailurePolicy = PublishFailurePolicy.LogFailure;
        });
        var publisher = host.Services.GetRequiredService<IEventPublisher<PriceChanged>>();
        await WarmUpAsync(host, publisher);

        kafka.SetBrokerDown(EmbeddedKafka.AllBrokers);
        var exception = await Assert.ThrowsAsync<PublishException>(() => publisher.PublishAsync(new PriceChanged("sku-1", 1m)));

        Assert.Contains("failure log failed too", exception.Message);
        var causes = Assert.IsType<AggregateException>(exception.InnerException);
        Assert.Contains(causes.InnerExceptions, e => e is ProduceException<byte[]?, byte[]>);
        Assert.Contains(causes.InnerExceptions, e => e is IOException);
        kafka.SetBrokerUp(EmbeddedKafka.AllBrokers);
    }

    [Fact]
    public async Task A_record_the_producer_refuses_outright_meets_the_policy_at_once()
    {
        await using var kafka = await StartKafkaAsync();
        var log = new InMemoryPublishFailureLog();
        await using var host = await TestHost.StartAsync(kafka, options =>
        {
            Configure(options, log);
            options.ProducerSettings["message.max.bytes"] = "1000";
        });
        var publisher = host.Services.GetRequiredService<IEventPublisher<PriceChanged>>();
        var tooLarge = new PriceChanged(new string('x', 2000), 1m);

        var thrown = await Assert.ThrowsAsync<PublishException>(() => publisher.PublishAsync(tooLarge));
        var ignored = await publisher.PublishAsync(tooLarge, PublishFailurePolicy.Ignore);
        var logged = await publisher.PublishAsync(tooLarge, PublishFailurePolicy.LogFailure);

        Assert.Equal(ErrorCode.MsgSizeTooLarge, Assert.IsType<ProduceException<byte[]?, byte[]>>(thrown.InnerException).Error.Code);
        Assert.Equal(PublishOutcome.NotDelivered, ignored.Outcome);
        Assert.Equal(PublishOutcome.Logged, logged.Outcome);
        var poison = Assert.Single(await log.ReadAsync(0, 10, default));
        Assert.StartsWith("MsgSizeTooLarge", poison.Reason);

        // A record Kafka refuses outright stays in the log, and does not stop the replay of the records after it.
        var fineId = Guid.CreateVersion7().ToString();
        var fine = poison with
        {
            MessageId = fineId,
            Key = "sku-9"u8.ToArray(),
            Value = "{\"sku\":\"sku-9\",\"price\":9}"u8.ToArray(),
            Headers = [.. poison.Headers.Select(h => h.Key == MessageHeaders.Id ? h with { Value = Encoding.UTF8.GetBytes(fineId) } : h)],
        };
        await log.AppendAsync(fine, default);
        var replay = await host.Services.GetRequiredService<IPublishFailureReplayer>().ReplayAsync();

        Assert.Equal(new PublishFailureReplayResult(Replayed: 1, Failed: 1, Remaining: 1), replay);
        var left = Assert.Single(await log.ReadAsync(0, 10, default));
        Assert.Equal(poison.MessageId, left.MessageId);
        Assert.Equal(2, left.Attempts);
    }

    [Fact]
    public async Task A_delivered_publish_says_so_under_every_policy()
    {
        await using var kafka = await StartKafkaAsync();
        await using var host = await TestHost.StartAsync(kafka, options => Configure(options, new InMemoryPublishFailureLog()));
        var publisher = host.Services.GetRequiredService<IEventPublisher<PriceChanged>>();

        foreach (var policy in Enum.GetValues<PublishFailurePolicy>())
        {
            var result = await publisher.PublishAsync(new PriceChanged("sku-" + policy, 1m), policy);
            Assert.Equal(PublishOutcome.Delivered, result.Outcome);
            Assert.True(result.Delivered);
            Assert.Null(result.FailureReason);
            Assert.True(result.Offset >= 0);
        }

        Assert.True((await publisher.PublishAsync(new PriceChanged("sku-default", 1m))).Delivered);
    }

    private static async Task<EmbeddedKafka> StartKafkaAsync()
    {
        var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(Topic, partitions: 2);
        return kafka;
    }

    private static void Configure(MessageContractsOptions options, IPublishFailureLog log)
    {
        options.PublishTimeout = PublishTimeout;
        options.PublishFailureLog = log;
    }

    /// <summary>One delivered and handled message first: the producer and the consumer are connected before the outage.</summary>
    private static async Task WarmUpAsync(TestHost host, IEventPublisher<PriceChanged> publisher)
    {
        var result = await publisher.PublishAsync(new PriceChanged("warm-up", 0m));
        Assert.True(result.Delivered);
        await host.Services.GetRequiredService<Received<PriceChanged>>().WaitForCountAsync(1, Patience);
    }

    /// <summary>
    /// After an outage the producer reconnects (with backoff) and renews its idempotent producer ID before it delivers
    /// again: probe until a publish is acknowledged, each probe bounded by the publish timeout.
    /// </summary>
    private static async Task WaitUntilKafkaAcknowledgesAgainAsync(IEventPublisher<PriceChanged> publisher)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!(await publisher.PublishAsync(new PriceChanged("probe", 0m), PublishFailurePolicy.Ignore)).Delivered)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Kafka did not acknowledge a publish within {Patience} of the brokers coming back.");
        }
    }

    private static T Deserialize<T>(byte[] payload)
        where T : IMessageContract<T> => T.Deserialize(payload);

    private static string? HeaderOf(PublishFailureRecord record, string key) =>
        record.Headers.LastOrDefault(h => h.Key == key).Value is { } value ? Encoding.UTF8.GetString(value) : null;

    /// <summary>The <c>ce_id</c> of every record in the topic, read until <paramref name="expected"/> arrived and the end was reached.</summary>
    private static List<string> ReadIds(string bootstrapServers, string topic, int expected)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "id-reader-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnablePartitionEof = true,
            FetchWaitMaxMs = 5,
        }).Build();
        consumer.Subscribe(topic);
        var ids = new List<string>();
        var endsReached = new HashSet<int>();
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline && !(ids.Count >= expected && endsReached.Count == consumer.Assignment.Count && endsReached.Count > 0))
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (record is null)
            {
                continue;
            }

            if (record.IsPartitionEOF)
            {
                endsReached.Add(record.Partition.Value);
                continue;
            }

            endsReached.Remove(record.Partition.Value);
            ids.Add(record.Message.Headers.TryGetLastBytes(MessageHeaders.Id, out var id) ? Encoding.UTF8.GetString(id) : "<no ce_id>");
        }

        return ids;
    }

    private sealed class UnwritableFailureLog : IPublishFailureLog
    {
        public Task<bool> AppendAsync(PublishFailureRecord record, CancellationToken cancellationToken) =>
            throw new IOException("The disk is full.");

        public Task<IReadOnlyList<PublishFailureRecord>> ReadAsync(long afterSequence, int maxCount, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<PublishFailureRecord>>([]);

        public Task<int> CountAsync(CancellationToken cancellationToken) => Task.FromResult(0);

        public Task<bool> RecordFailedAttemptAsync(string messageId, string reason, DateTimeOffset attemptedAt, CancellationToken cancellationToken) =>
            Task.FromResult(false);

        public Task<int> RemoveAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken) => Task.FromResult(0);
    }
}
