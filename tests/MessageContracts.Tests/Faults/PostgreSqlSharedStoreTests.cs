using System.Text.Json;
using Confluent.Kafka;
using Faults.Contracts;
using MessageContracts.PostgreSql;
using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Faults;

/// <summary>
/// Two instances of one service (two hosts in one group, each with its own connection pool) share one PostgreSQL
/// deduplication store. Each message is fed twice (a producer duplicate: the same bytes and headers) at the same moment,
/// one copy on each partition, so each instance gets one: the handler runs once.
/// </summary>
/// <remarks>
/// PostgreSQL must be running (<c>pg_ctlcluster 15 main start</c>); the connection string comes from
/// MESSAGECONTRACTS_POSTGRES. An unreachable server fails the test: it is never skipped.
/// </remarks>
[Collection(FaultsCollection.Name)]
public sealed class PostgreSqlSharedStoreTests(ITestOutputHelper output)
{
    private const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database=postgres";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static string ConnectionString =>
        Environment.GetEnvironmentVariable("MESSAGECONTRACTS_POSTGRES") is { Length: > 0 } configured ? configured : DefaultConnectionString;

    [Fact]
    public async Task Two_instances_sharing_a_postgresql_store_run_the_handler_once_for_a_message_fed_to_both()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(Probes.Topic, partitions: 2);
        kafka.CreateTopic(Probes.DeadLetterTopic);
        var group = "faults-" + Guid.NewGuid().ToString("N");
        var table = "faults_dedup_" + Guid.NewGuid().ToString("N")[..12];
        using var metrics = new FaultMetrics(Probes.Topic);
        var effects = new FaultEffects();
        await using var storeA = new PostgreSqlDeduplicationStore(ConnectionString, tableName: table);
        await using var storeB = new PostgreSqlDeduplicationStore(ConnectionString, tableName: table);
        try
        {
            await storeA.EnsureCreatedAsync();
            await using var a = await FaultHost.StartAsync(kafka, group, "a", output, effects, storeA);
            await using var b = await FaultHost.StartAsync(kafka, group, "b", output, effects, storeB);
            await Eventually.UntilAsync(
                () => a.CurrentAssignment() == 1 && b.CurrentAssignment() == 1,
                Patience,
                () => $"the two instances did not get one partition each (a: {a.CurrentAssignment()}, b: {b.CurrentAssignment()})");

            // Each message twice, byte for byte, one copy per partition, produced together. Slow handlers widen the
            // moment in which both instances hold a copy of the same message.
            var ids = Enumerable.Range(0, 10).Select(_ => Guid.CreateVersion7().ToString()).ToList();
            using (var raw = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, LingerMs = 5 }).Build())
            {
                var sends = new List<Task>();
                for (var i = 0; i < ids.Count; i++)
                {
                    var record = Record(ids[i], new FaultProbe("twice", i, FaultProbeBehaviors.Slow));
                    sends.Add(raw.ProduceAsync(new TopicPartition(Probes.Topic, 0), record));
                    sends.Add(raw.ProduceAsync(new TopicPartition(Probes.Topic, 1), record));
                }

                await Task.WhenAll(sends);
            }

            await KafkaProbe.WaitUntilCommittedToEndAsync(kafka.BootstrapServers, group, Probes.Topic, Patience);

            // Both instances read a copy of every message; one ran the handler, the other dropped its copy.
            Probes.AssertEachHadExactlyOneEffect(ids, effects.CountsById());
            Assert.All(ids, id => Assert.Equal(1, effects.AttemptsFor(id)));
            Assert.Equal(ids.Count, metrics[FaultMetrics.DuplicatesDropped]);
            Assert.Equal(ids.Count, metrics[FaultMetrics.Handled]);
            var hosts = new[] { a, b };
            Assert.All(effects.Snapshot(), effect =>
            {
                var other = hosts.Single(h => h.Name != effect.Instance);
                Assert.True(
                    other.Logs.Any(e => e.Message.StartsWith($"Duplicate message {effect.MessageId} ", StringComparison.Ordinal)),
                    $"{effect.MessageId} was handled by {effect.Instance}, but {other.Name} did not drop its copy as a duplicate");
            });
            output.WriteLine($"effects by instance: {string.Join(", ", effects.Snapshot().GroupBy(e => e.Instance).Select(g => $"{g.Key}: {g.Count()}"))}");
            Assert.Empty(KafkaProbe.ReadAll(kafka.BootstrapServers, Probes.DeadLetterTopic));
            Assert.Equal(ids.Count, await CountProcessedAsync(table, group));
        }
        finally
        {
            await DropAsync(table);
        }
    }

    private static Message<byte[], byte[]> Record(string id, FaultProbe probe) => new()
    {
        Key = System.Text.Encoding.UTF8.GetBytes(probe.Key),
        Value = Serialize(probe),
        Headers = new Headers
        {
            { MessageHeaders.SpecVersion, "1.0"u8.ToArray() },
            { MessageHeaders.Id, System.Text.Encoding.UTF8.GetBytes(id) },
            { MessageHeaders.Type, "FaultProbe"u8.ToArray() },
            { MessageHeaders.Source, "fault-tests"u8.ToArray() },
            { MessageHeaders.ContentType, "application/json"u8.ToArray() },
        },
    };

    private static byte[] Serialize<T>(T message)
        where T : IMessageContract<T>
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            T.Serialize(writer, message);
        }

        return buffer.ToArray();
    }

    private static async Task<long> CountProcessedAsync(string table, string group)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM public.\"{table}\" WHERE consumer_group = @group AND state = 'processed'", connection);
        command.Parameters.AddWithValue("group", group);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task DropAsync(string table)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP TABLE IF EXISTS public.\"{table}\"", connection);
        await command.ExecuteNonQueryAsync();
    }
}
