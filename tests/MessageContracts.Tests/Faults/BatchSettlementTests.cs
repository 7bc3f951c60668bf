using Confluent.Kafka;
using Faults.Contracts;
using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Faults;

/// <summary>
/// A partition's queued records are settled in batches (one claim call and one mark call to the deduplication store
/// for the lot): a duplicate in the middle of a batch, a handler that fails twice and one that always fails keep the
/// partition's order and give every message its effect exactly once.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class BatchSettlementTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(25);

    private readonly string folder = Directory.CreateTempSubdirectory("mc-batch-").FullName;

    [Fact]
    public async Task A_batch_with_a_duplicate_and_failing_handlers_in_the_middle_keeps_order_and_has_each_effect_once()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(Probes.Topic, partitions: 1);
        kafka.CreateTopic(Probes.DeadLetterTopic);
        var group = "faults-" + Guid.NewGuid().ToString("N");

        // Everything is on the topic before the consumer starts, so the worker finds it queued and takes it in batches.
        var published = new List<PublishResult>();
        await using (var publisher = new FaultPublisher(kafka))
        {
            published.AddRange(await publisher.PublishAllAsync(Enumerable.Range(0, 5).Select(i => new FaultProbe("k", i, FaultProbeBehaviors.Ok))));
            published.AddRange(await publisher.PublishAllAsync([new FaultProbe("k", 5, FaultProbeBehaviors.FailTwice)]));

            // The same message again (a producer retry's copy): same ID, same bytes.
            var original = KafkaProbe.ReadAll(kafka.BootstrapServers, Probes.Topic)[2];
            using (var raw = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
            {
                await raw.ProduceAsync(Probes.Topic, new Message<byte[]?, byte[]?> { Key = original.Message.Key, Value = original.Message.Value, Headers = original.Message.Headers });
            }

            published.AddRange(await publisher.PublishAllAsync([new FaultProbe("poison", 0, FaultProbeBehaviors.FailAlways)]));
            published.AddRange(await publisher.PublishAllAsync(Enumerable.Range(6, 20).Select(i => new FaultProbe("k", i, FaultProbeBehaviors.Ok))));
        }

        var poisonId = published[6].MessageId;
        using var metrics = new FaultMetrics(Probes.Topic);
        await using (var host = await FaultHost.StartAsync(
            kafka,
            group,
            output: output,
            deduplication: new SqliteDeduplicationStore($"Data Source={Path.Combine(folder, "dedup.db")}"),
            configure: options =>
            {
                options.Retry.MaxAttempts = 3;
                options.Retry.InitialDelay = TimeSpan.Zero;
                options.Retry.MaxDelay = TimeSpan.Zero;
            }))
        {
            await KafkaProbe.WaitUntilCommittedToEndAsync(kafka.BootstrapServers, group, Probes.Topic, Patience);

            Probes.AssertEachHadExactlyOneEffect(published.Select(p => p.MessageId).Where(id => id != poisonId), host.Effects.CountsById());
            var effects = host.Effects.Snapshot();
            Probes.AssertPerKeyOrder(effects);
            Assert.Equal(Enumerable.Range(0, 26), effects.Select(e => e.Sequence));
            Assert.Equal(3, host.Effects.AttemptsFor(published[5].MessageId));
            Assert.Equal(3, host.Effects.AttemptsFor(poisonId));
        }

        Assert.Equal(1, metrics[FaultMetrics.DuplicatesDropped]);
        Assert.Equal(1, metrics[FaultMetrics.DeadLettered]);
        Assert.Equal(26, metrics[FaultMetrics.Handled]);
        var deadLetter = Assert.Single(KafkaProbe.ReadAll(kafka.BootstrapServers, Probes.DeadLetterTopic));
        Assert.Equal(poisonId, KafkaProbe.Header(deadLetter, MessageHeaders.Id));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it is a temporary folder.
        }
    }
}
