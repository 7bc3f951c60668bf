using Confluent.Kafka;
using Faults.Contracts;
using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Faults;

/// <summary>
/// The first seed problem: a Produce that is appended but whose acknowledgement comes too late. The producer re-sends
/// the batch, and (an idempotent producer without a transactional id, on the mock; a restarted producer on a real
/// broker) the log holds the message twice. The consumer's deduplication must give it one effect.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class ProduceTimeoutAfterAppendTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_produce_acknowledged_after_the_socket_timeout_leaves_a_duplicate_in_the_log_and_the_handler_runs_once()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(Probes.Topic);
        kafka.CreateTopic(Probes.DeadLetterTopic);
        var group = "faults-" + Guid.NewGuid().ToString("N");
        using var metrics = new FaultMetrics(Probes.Topic);
        await using var host = await FaultHost.StartAsync(kafka, group, output: output, configure: options =>
        {
            // librdkafka times in-flight requests out after socket.timeout.ms, checked once a second.
            options.ProducerSettings["socket.timeout.ms"] = "500";
        });

        // A first message connects the producer (and gets its producer id) before the fault is armed.
        var before = await host.PublishAllAsync(Probes.Create(keys: 1, perKey: 2, prefix: "before"));

        // The next Produce is appended at once but answered only after 3 s, long after the producer gave up on it
        // and re-sent the same batch.
        kafka.PushBrokerRequestErrors(1, KafkaApiKey.Produce, (ErrorCode.NoError, TimeSpan.FromSeconds(3)));
        var late = (await host.PublishAllAsync([new FaultProbe("late", 0, FaultProbeBehaviors.Ok)])).Single();
        var after = await host.PublishAllAsync(Probes.Create(keys: 1, perKey: 2, prefix: "after"));
        var published = before.Concat([late]).Concat(after).ToList();

        await KafkaProbe.WaitUntilCommittedToEndAsync(kafka.BootstrapServers, group, Probes.Topic, Patience);

        // The log holds one record more than was published: two copies of the late message, one ce_id.
        var log = KafkaProbe.ReadAll(kafka.BootstrapServers, Probes.Topic);
        Assert.Equal(published.Count + 1, log.Count);
        var copies = log.GroupBy(r => KafkaProbe.Header(r, MessageHeaders.Id)).Where(g => g.Count() > 1).ToList();
        var duplicate = Assert.Single(copies);
        Assert.Equal(late.MessageId, duplicate.Key);
        Assert.Equal(2, duplicate.Count());

        // ... and the handler had one effect per message: the second copy was dropped, and counted as dropped.
        Probes.AssertEachHadExactlyOneEffect(published.Select(r => r.MessageId), host.Effects.CountsById());
        Assert.Equal(1, host.Effects.AttemptsFor(late.MessageId));
        Assert.Equal(1, metrics[FaultMetrics.DuplicatesDropped]);
        Assert.Equal(published.Count, metrics[FaultMetrics.Handled]);
        Assert.Empty(KafkaProbe.ReadAll(kafka.BootstrapServers, Probes.DeadLetterTopic));
    }
}
