using System.Text;
using Confluent.Kafka;
using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Outbox;

/// <summary>
/// A hostile <c>ce_id</c> does not stall the transactional inbox either: an ID over the consumer's limit is dead-lettered
/// before the inbox is asked, and an ID the inbox table refuses (a column a DBA made narrower, a CHECK) is dead-lettered
/// once the inbox shows a known-good ID is accepted. The messages around them are handled exactly once.
/// </summary>
[Collection(OutboxCollection.Name)]
public sealed class InboxRecordRejectedTests(ITestOutputHelper output)
{
    private const string DeadLetterTopic = OutboxProbes.Topic + ".dead-letter";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(OutboxDatabase.PostgreSql, "PostgreSQL 22001")]
    [InlineData(OutboxDatabase.Sqlite, "SQLite error 275")]
    public async Task Hostile_ids_are_dead_lettered_and_the_inbox_goes_on(string provider, string expectedRefusal)
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(OutboxProbes.Topic, partitions: 1);
        kafka.CreateTopic(DeadLetterTopic);
        await using var database = await OutboxDatabase.CreateAsync(provider);

        // The inbox table, prepared beforehand, holds IDs of at most 40 characters.
        await database.ExecuteAsync(database.IsPostgreSql
            ? $"CREATE TABLE {database.InboxTable} (consumer_group text NOT NULL, message_id varchar(40) NOT NULL, status text NOT NULL, processed_at timestamptz NOT NULL, PRIMARY KEY (consumer_group, message_id))"
            : $"CREATE TABLE {database.InboxTable} (consumer_group TEXT NOT NULL, message_id TEXT NOT NULL, status TEXT NOT NULL, processed_at INTEGER NOT NULL, PRIMARY KEY (consumer_group, message_id), CHECK (length(message_id) <= 40)) WITHOUT ROWID");

        var valid = Enumerable.Range(0, 6).Select(i => (Id: Guid.CreateVersion7().ToString(), Probe: new OutboxProbe("order-1", i))).ToList();
        var tooLongForTheTable = "narrow-" + new string('n', 53);
        var overTheLimit = "limit-" + new string('l', 9_994);
        var records = valid.Take(3).Select(v => Record(v.Id, v.Probe))
            .Append(Record(tooLongForTheTable, new OutboxProbe("order-1", 100)))
            .Append(Record(overTheLimit, new OutboxProbe("order-1", 101)))
            .Concat(valid.Skip(3).Select(v => Record(v.Id, v.Probe)));
        using (var producer = RawRecords.Producer(kafka.BootstrapServers))
        {
            foreach (var record in records)
            {
                await producer.ProduceAsync(OutboxProbes.Topic, record);
            }
        }

        var group = "inbox-hostile-" + Guid.NewGuid().ToString("N");
        var sink = new OutboxProbeSink(database.EffectsTable);
        await using var consumer = await OutboxHost.StartAsync(kafka, "consumer", sink, options => database.Configure(options, outbox: false), output, group);
        await KafkaProbe.WaitUntilCommittedToEndAsync(kafka.BootstrapServers, group, OutboxProbes.Topic, Patience);

        Probes.AssertEachHadExactlyOneEffect(valid.Select(v => v.Id), await database.EffectsByIdAsync());
        Assert.Equal(valid.Count, await database.CountAsync(database.InboxTable));
        var deadLetters = KafkaProbe.ReadAll(kafka.BootstrapServers, DeadLetterTopic);
        Assert.Equal([tooLongForTheTable, overTheLimit], deadLetters.Select(d => KafkaProbe.Header(d, MessageHeaders.Id)));
        Assert.Contains(expectedRefusal, KafkaProbe.Header(deadLetters[0], MessageHeaders.DeadLetterReason));
        Assert.Contains("MessageContractsOptions.MaxMessageIdBytes", KafkaProbe.Header(deadLetters[1], MessageHeaders.DeadLetterReason));
        Assert.Equal(0, sink.AttemptsFor(tooLongForTheTable));
    }

    private static Message<byte[]?, byte[]?> Record(string id, OutboxProbe probe)
    {
        return new Message<byte[]?, byte[]?>
        {
            Key = Encoding.UTF8.GetBytes(probe.Key),
            Value = RawRecords.Serialize(probe),
            Headers = RawRecords.Envelope(Encoding.UTF8.GetBytes(id), type: "OutboxProbe"),
        };
    }
}
