using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Outbox;

/// <summary>
/// Handler retries and dead-lettering inside the transactional inbox (SQLite and PostgreSQL): each attempt runs in a
/// savepoint, so a failed attempt's writes are undone; a dead-lettered message commits its inbox row as dead-lettered
/// and none of its writes.
/// </summary>
[Collection(OutboxCollection.Name)]
public sealed class InboxTransactionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(OutboxDatabase.Sqlite)]
    [InlineData(OutboxDatabase.PostgreSql)]
    public async Task A_failed_attempts_writes_are_rolled_back_to_its_savepoint_before_the_retry(string provider)
    {
        await using var kafka = await StartKafkaAsync();
        await using var database = await OutboxDatabase.CreateAsync(provider);
        var sink = new OutboxProbeSink(database.EffectsTable)
        {
            // The first attempt writes its effect and then fails.
            AfterWrite = (_, context, _) => context.Attempt == 1 ? throw new InvalidOperationException("first attempt fails") : Task.CompletedTask,
        };
        var group = "inbox-retry-" + Guid.NewGuid().ToString("N");
        await using var consumer = await OutboxHost.StartAsync(kafka, "consumer", sink, options =>
        {
            database.Configure(options, outbox: false);
            options.Retry.MaxAttempts = 2;
            options.Retry.InitialDelay = TimeSpan.FromMilliseconds(10);
        }, output, group);

        var published = await consumer.Services.GetRequiredService<IEventPublisher<OutboxProbe>>().PublishAsync(new OutboxProbe("order-1", 0));
        await KafkaProbe.WaitUntilCommittedToEndAsync(kafka.BootstrapServers, group, OutboxProbes.Topic, Patience);

        Assert.Equal(2, sink.AttemptsFor(published.MessageId));
        Probes.AssertEachHadExactlyOneEffect([published.MessageId], await database.EffectsByIdAsync());
        Assert.Equal(1, await database.CountAsync(database.InboxTable, "status = 'handled'"));
    }

    [Theory]
    [InlineData(OutboxDatabase.Sqlite)]
    [InlineData(OutboxDatabase.PostgreSql)]
    public async Task A_dead_lettered_message_commits_its_inbox_row_as_dead_lettered_and_none_of_its_writes(string provider)
    {
        await using var kafka = await StartKafkaAsync();
        await using var database = await OutboxDatabase.CreateAsync(provider);
        var sink = new OutboxProbeSink(database.EffectsTable)
        {
            AfterWrite = (_, _, _) => throw new InvalidOperationException("always fails"),
        };
        var group = "inbox-dlt-" + Guid.NewGuid().ToString("N");
        await using var consumer = await OutboxHost.StartAsync(kafka, "consumer", sink, options =>
        {
            database.Configure(options, outbox: false);
            options.Retry.MaxAttempts = 2;
            options.Retry.InitialDelay = TimeSpan.FromMilliseconds(10);
        }, output, group);

        var published = await consumer.Services.GetRequiredService<IEventPublisher<OutboxProbe>>().PublishAsync(new OutboxProbe("order-1", 0));
        await KafkaProbe.WaitUntilCommittedToEndAsync(kafka.BootstrapServers, group, OutboxProbes.Topic, Patience);

        Assert.Equal(2, sink.AttemptsFor(published.MessageId));
        Assert.Empty(await database.EffectsByIdAsync());
        Assert.Equal(1, await database.CountAsync(database.InboxTable, "status = 'dead_lettered'"));
        var deadLetters = KafkaProbe.ReadAll(kafka.BootstrapServers, OutboxProbes.Topic + ".dead-letter");
        Assert.Equal([published.MessageId], deadLetters.Select(r => KafkaProbe.Header(r, MessageHeaders.Id)));
    }

    private static async Task<EmbeddedKafka> StartKafkaAsync()
    {
        var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(OutboxProbes.Topic, partitions: 1);
        kafka.CreateTopic(OutboxProbes.Topic + ".dead-letter", partitions: 1);
        return kafka;
    }
}
