using System.Diagnostics;
using Confluent.Kafka;
using Faults.Contracts;
using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Faults;

/// <summary>
/// The seed's first problem, with default options only: every broker appends a Produce at once but holds its answer
/// back for 65 s, longer than librdkafka's own default request timeout (60 s) and than the 30 s PublishTimeout.
/// The toolkit's request timeout, derived from PublishTimeout, makes the producer give up on a hung request and
/// re-send the same bytes (same message ID) well inside PublishTimeout. Whatever the caller sees (a result, or a
/// PublishException that says whether the message may be stored), publishing again with the exception's MessageId
/// finishes the job, and the consumers' deduplication leaves one effect per message.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class ProduceResponsesHeldBackTests(ITestOutputHelper output)
{
    private const int Brokers = 3;
    private const int Partitions = 6;
    private const int Messages = 300;
    private static readonly TimeSpan HeldBack = TimeSpan.FromSeconds(65);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task With_default_options_every_publish_completes_or_can_be_finished_with_its_id_and_each_message_has_one_effect()
    {
        await using var kafka = await EmbeddedKafka.StartAsync(new EmbeddedKafkaOptions { BrokerCount = Brokers });
        // Replication factor 1: the mock then spreads the leaders, two partitions per broker (with 3 it would put
        // every leader on broker 1).
        kafka.CreateTopic(Probes.Topic, Partitions, replicationFactor: 1);
        kafka.CreateTopic(Probes.DeadLetterTopic);
        var group = "faults-" + Guid.NewGuid().ToString("N");
        await using var host = await FaultHost.StartAsync(kafka, group, output: output);
        var options = host.Services.GetRequiredService<IOptions<MessageContractsOptions>>().Value;
        Assert.Empty(options.ProducerSettings); // the producer runs on what PublishTimeout derives, nothing else
        Assert.Equal(TimeSpan.FromSeconds(30), options.PublishTimeout);

        // Connect the producer to every partition leader (and get its producer id) before the fault is armed.
        var warmUp = await host.PublishAllAsync(Probes.Create(keys: 24, perKey: 1, prefix: "warm-up"));
        Assert.True(warmUp.Select(r => r.Partition).Distinct().Count() == Partitions, "the warm-up did not reach every partition");

        // Every broker holds back the answers to its next Produce requests for 65 s (each is appended at once).
        // A request is given up after 10 s (a third of PublishTimeout) and its batch re-sent on a new connection, one
        // request per partition: so the attempts come at about 0 s (at most 5 requests per connection in flight),
        // 11 s and 22 s. Broker 1 holds back 3: its first requests, perhaps one re-sent one; a later attempt is
        // answered, so its publishes complete. Brokers 2 and 3 hold back 9, enough for all three attempts: their
        // publishes run out of PublishTimeout and throw, and are finished with their MessageId afterwards.
        kafka.StartRequestTracking();
        int[] heldBackPerBroker = [3, 9, 9];
        for (var broker = 1; broker <= Brokers; broker++)
        {
            kafka.PushBrokerRequestErrors(broker, KafkaApiKey.Produce, [.. Enumerable.Repeat((ErrorCode.NoError, HeldBack), heldBackPerBroker[broker - 1])]);
        }

        var clock = Stopwatch.StartNew();
        var probes = Probes.Create(keys: 60, perKey: Messages / 60, prefix: "held");
        var publisher = host.Publisher;
        var outcomes = await Task.WhenAll(probes.Select(async probe =>
        {
            try
            {
                return (Probe: probe, Result: (PublishResult?)await publisher.PublishAsync(probe), Failure: (PublishException?)null, Took: clock.Elapsed);
            }
            catch (PublishException exception)
            {
                return (Probe: probe, Result: null, Failure: exception, Took: clock.Elapsed);
            }
        }));
        var produceRequests = kafka.CountRequests(KafkaApiKey.Produce);

        // Every request of these calls has been appended by now (the mock appends on arrival): what is below these
        // offsets was written by the first calls, before any re-publish.
        var firstCallsEnd = KafkaProbe.HighWatermarks(kafka.BootstrapServers, Probes.Topic);

        var completed = outcomes.Where(o => o.Result is not null).ToList();
        var failed = outcomes.Where(o => o.Failure is not null).ToList();
        output.WriteLine($"{completed.Count} completed (last after {completed.Select(o => o.Took).DefaultIfEmpty().Max().TotalSeconds:0.0} s), "
            + $"{failed.Count} threw ({string.Join(", ", failed.GroupBy(o => o.Failure!.Persistence).Select(g => $"{g.Key} {g.Count()}"))}), "
            + $"{produceRequests} Produce requests");

        // Finish what the failures left open: the same message, with the ID it had, until Kafka acknowledges it.
        foreach (var (_, _, failure, _) in failed)
        {
            Assert.Equal(Probes.Topic, failure!.Topic);
            Assert.NotEqual(MessagePersistence.Written, failure.Persistence);
            Assert.IsType<ProduceException<byte[]?, byte[]>>(failure.InnerException);
        }

        var finished = await Task.WhenAll(failed.Select(o => PublishUntilAcknowledgedAsync(publisher, o.Probe, o.Failure!.MessageId)));
        Assert.Equal(failed.Select(o => o.Failure!.MessageId), finished.Select(r => r.MessageId));
        var messageIds = warmUp.Select(r => r.MessageId)
            .Concat(completed.Select(o => o.Result!.Value.MessageId))
            .Concat(finished.Select(r => r.MessageId))
            .ToList();
        Assert.Equal(warmUp.Length + Messages, messageIds.Distinct().Count());

        await KafkaProbe.WaitUntilCommittedToEndAsync(kafka.BootstrapServers, group, Probes.Topic, Patience);

        // The fault was exercised: the log holds more records than there are messages (re-sent copies)...
        var log = KafkaProbe.ReadAll(kafka.BootstrapServers, Probes.Topic);
        var copiesById = log.GroupBy(r => KafkaProbe.Header(r, MessageHeaders.Id)!).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"{log.Count} records in the log for {messageIds.Count} messages");
        Assert.True(log.Count > messageIds.Count, $"{log.Count} records for {messageIds.Count} messages: nothing was re-sent");
        Assert.Equal(messageIds.ToHashSet(), copiesById.Keys.ToHashSet());

        // ... re-sending happened inside PublishTimeout: publishes that completed on their first call had their record
        // written more than once, so their first request hung and a re-sent one was acknowledged ...
        var completedAfterResend = completed.Count(o => copiesById[o.Result!.Value.MessageId] > 1);
        Assert.True(completedAfterResend > 0, $"none of the {completed.Count} publishes that completed was re-sent: a hung request was not retried within PublishTimeout");

        // ... and the publishes that ran out of time were finished by publishing again with their ID. One that said
        // its message was not written had indeed no copy from its first call.
        Assert.NotEmpty(failed);
        var writtenByFirstCalls = log.Where(r => r.Offset.Value < firstCallsEnd[r.Partition.Value]).Select(r => KafkaProbe.Header(r, MessageHeaders.Id)).ToHashSet();
        foreach (var (_, _, failure, _) in failed.Where(o => o.Failure!.Persistence == MessagePersistence.NotWritten))
        {
            Assert.DoesNotContain(failure!.MessageId, writtenByFirstCalls);
        }

        // Each message had exactly one effect: the copies were dropped by deduplication.
        Probes.AssertEachHadExactlyOneEffect(messageIds, host.Effects.CountsById());
        Assert.Empty(KafkaProbe.ReadAll(kafka.BootstrapServers, Probes.DeadLetterTopic));
    }

    private static async Task<PublishResult> PublishUntilAcknowledgedAsync(IEventPublisher<FaultProbe> publisher, FaultProbe probe, string messageId)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await publisher.PublishAsync(probe, new PublishOptions { MessageId = messageId });
            }
            catch (PublishException exception) when (attempt < 3)
            {
                Assert.Equal(messageId, exception.MessageId);
            }
        }
    }
}
