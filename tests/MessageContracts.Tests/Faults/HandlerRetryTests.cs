using Faults.Contracts;
using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Faults;

/// <summary>
/// A handler that fails transiently is retried in process until it succeeds; one that always fails is retried until its
/// attempts are spent and then dead-lettered, once. Retries have no pause here (zero delays), so nothing sleeps.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class HandlerRetryTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_transient_failure_is_handled_once_on_attempt_3_and_a_permanent_one_is_dead_lettered_once()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(Probes.Topic);
        kafka.CreateTopic(Probes.DeadLetterTopic);
        var group = "faults-" + Guid.NewGuid().ToString("N");
        using var metrics = new FaultMetrics(Probes.Topic);
        await using var host = await FaultHost.StartAsync(kafka, group, output: output, configure: options =>
        {
            options.Retry.MaxAttempts = 3;
            options.Retry.InitialDelay = TimeSpan.Zero;
            options.Retry.MaxDelay = TimeSpan.Zero;
        });

        // One partition, one key: the failing messages hold back the ones behind them, which still get through.
        var transient = new FaultProbe("k", 0, FaultProbeBehaviors.FailTwice);
        var permanent = new FaultProbe("k", 1, FaultProbeBehaviors.FailAlways);
        var fine = Enumerable.Range(2, 5).Select(i => new FaultProbe("k", i, FaultProbeBehaviors.Ok));
        var published = await host.PublishAllAsync([transient, permanent, .. fine]);
        var (transientId, permanentId) = (published[0].MessageId, published[1].MessageId);

        await KafkaProbe.WaitUntilCommittedToEndAsync(kafka.BootstrapServers, group, Probes.Topic, Patience);

        // The transient one: three attempts, one effect. The permanent one: three attempts, no effect.
        Assert.Equal(3, host.Effects.AttemptsFor(transientId));
        Assert.Equal(3, host.Effects.AttemptsFor(permanentId));
        Probes.AssertEachHadExactlyOneEffect(published.Where(r => r.MessageId != permanentId).Select(r => r.MessageId), host.Effects.CountsById());
        Assert.Equal([0, 2, 3, 4, 5, 6], host.Effects.Snapshot().Select(e => e.Sequence));
        Assert.Equal(2 + 2, metrics[FaultMetrics.Retried]);

        // ... dead-lettered exactly once, saying why and after how many attempts.
        var deadLetter = Assert.Single(KafkaProbe.ReadAll(kafka.BootstrapServers, Probes.DeadLetterTopic));
        Assert.Equal(permanentId, KafkaProbe.Header(deadLetter, MessageHeaders.Id));
        Assert.Equal("3", KafkaProbe.Header(deadLetter, MessageHeaders.DeadLetterAttempts));
        Assert.Equal(typeof(InvalidOperationException).FullName, KafkaProbe.Header(deadLetter, MessageHeaders.DeadLetterExceptionType));
        Assert.Equal(group, KafkaProbe.Header(deadLetter, MessageHeaders.DeadLetterConsumerGroup));
        Assert.Equal(1, metrics[FaultMetrics.DeadLettered]);
    }
}
