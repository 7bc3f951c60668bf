using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Outbox;

/// <summary>
/// The consumer's database goes away (PostgreSQL behind a TCP proxy the test cuts, mid-handler; a SQLite file another
/// connection keeps locked): the inbox transaction cannot commit, so nothing of the unit stays, the offset is not
/// committed, and the unit is run again until the database is back; then the message has its effect exactly once.
/// </summary>
[Collection(OutboxCollection.Name)]
public sealed class InboxDatabaseDownTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_database_outage_mid_handler_leaves_the_offset_uncommitted_and_the_message_is_processed_once_when_it_is_back()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(OutboxProbes.Topic, partitions: 1);
        await using var database = await OutboxDatabase.CreateAsync(OutboxDatabase.PostgreSql);
        var server = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        await using var proxy = new TcpProxy(server.Host == "localhost" ? "127.0.0.1" : server.Host!, server.Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 3 }.ConnectionString;

        // The first attempt writes its effect, then waits here while the test cuts the database off.
        var inHandler = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cutDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sink = new OutboxProbeSink(database.EffectsTable);
        sink.AfterWrite = async (_, context, token) =>
        {
            if (inHandler.TrySetResult())
            {
                await cutDone.Task.WaitAsync(token);
            }
        };

        var group = "inbox-down-" + Guid.NewGuid().ToString("N");
        await using var consumer = await OutboxHost.StartAsync(kafka, "consumer", sink, options => database.Configure(options, outbox: false, inboxConnectionString: throughProxy), output, group);
        var published = await consumer.Services.GetRequiredService<IEventPublisher<OutboxProbe>>().PublishAsync(new OutboxProbe("order-1", 0));

        await inHandler.Task.WaitAsync(Patience);
        proxy.Cut();
        cutDone.SetResult();

        // The commit fails; the unit is rolled back and tried again (and fails) while the database is away.
        await Eventually.UntilAsync(
            () => consumer.Logs.Snapshot().Count(e => e.Message.StartsWith($"The inbox transaction of message {published.MessageId} ", StringComparison.Ordinal)) >= 3
                && proxy.Refused >= 2,
            Patience,
            () => "the consumer did not retry the unit while the database was away");
        Assert.Equal([-1L], KafkaProbe.Committed(kafka.BootstrapServers, group, OutboxProbes.Topic, 1));
        Assert.Empty(await database.EffectsByIdAsync());
        Assert.Equal(0, await database.CountAsync(database.InboxTable));

        proxy.Restore();
        await KafkaProbe.WaitUntilCommittedToEndAsync(kafka.BootstrapServers, group, OutboxProbes.Topic, Patience);

        Probes.AssertEachHadExactlyOneEffect([published.MessageId], await database.EffectsByIdAsync());
        Assert.Equal(1, await database.CountAsync(database.InboxTable));
        Assert.Equal(2, sink.AttemptsFor(published.MessageId));
        output.WriteLine($"handler attempts: {sink.AttemptsFor(published.MessageId)}; connections refused while cut: {proxy.Refused}");
    }

    [Fact]
    public async Task A_locked_sqlite_database_leaves_the_offset_uncommitted_and_the_message_is_processed_once_when_it_is_free()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(OutboxProbes.Topic, partitions: 1);
        await using var database = await OutboxDatabase.CreateAsync(OutboxDatabase.Sqlite);
        var sink = new OutboxProbeSink(database.EffectsTable);
        var group = "inbox-locked-" + Guid.NewGuid().ToString("N");

        // Another process holds the file's write lock: the inbox's BEGIN IMMEDIATE gives up after its 1 s busy timeout.
        // (WAL, as the inbox would set it, so the test can still read.)
        await database.ExecuteAsync("PRAGMA journal_mode = WAL");
        await using var locker = await database.OpenAsync();
        await using (var begin = locker.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync();
        }

        await using var consumer = await OutboxHost.StartAsync(kafka, "consumer", sink, options => database.Configure(options, outbox: false, inboxConnectionString: database.ConnectionString + ";Default Timeout=1"), output, group);
        var published = await consumer.Services.GetRequiredService<IEventPublisher<OutboxProbe>>().PublishAsync(new OutboxProbe("order-1", 0));

        await Eventually.UntilAsync(
            () => consumer.Logs.Snapshot().Count(e => e.Message.StartsWith($"The inbox transaction of message {published.MessageId} ", StringComparison.Ordinal)) >= 2,
            Patience,
            () => "the consumer did not retry the unit while the database was locked");
        Assert.Equal([-1L], KafkaProbe.Committed(kafka.BootstrapServers, group, OutboxProbes.Topic, 1));
        Assert.Empty(await database.EffectsByIdAsync());

        await using (var rollback = locker.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync();
        }

        await KafkaProbe.WaitUntilCommittedToEndAsync(kafka.BootstrapServers, group, OutboxProbes.Topic, Patience);
        Probes.AssertEachHadExactlyOneEffect([published.MessageId], await database.EffectsByIdAsync());
        Assert.Equal(1, await database.CountAsync(database.InboxTable));
        Assert.Equal(1, sink.AttemptsFor(published.MessageId));
    }
}
