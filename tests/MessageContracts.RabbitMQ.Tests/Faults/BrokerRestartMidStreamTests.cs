using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.RabbitMQ.Tests.Faults;

/// <summary>
/// The broker restarted mid-stream under a user's host (issue 14): a publisher host keeps publishing and a consumer
/// host keeps handling while the broker's node is stopped and started. A publish that failed during the outage
/// is published again under the ID its exception carries, as a user does; after the recovery nothing is lost and each
/// message is handled once (the deduplication store drops the redeliveries and the re-published copies that had been
/// stored after all).
/// </summary>
[Collection(BrokerRestartCollection.Name)]
public sealed class BrokerRestartMidStreamTests(RestartNodeVirtualHost vhost, ITestOutputHelper output) : IClassFixture<RestartNodeVirtualHost>, IDisposable
{
    private const int Messages = 300;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly string folder = Directory.CreateTempSubdirectory("mc-rabbit-restart-").FullName;

    [Fact]
    public async Task After_a_broker_restart_mid_stream_nothing_is_lost_and_each_message_is_handled_once()
    {
        await using var consumer = await RabbitMqTestHost.StartAsync(
            vhost, "restart-consumer", new SqliteDeduplicationStore($"Data Source={Path.Combine(folder, "dedup.db")}"),
            options => options.PublishTimeout = TimeSpan.FromSeconds(5));
        await using var publisherHost = await RabbitMqTestHost.StartAsync(vhost, "restart-publisher", configure: options => options.PublishTimeout = TimeSpan.FromSeconds(5));
        var publisher = publisherHost.Publisher<CrateLoaded>();

        var published = new List<string>();
        var failedThenRepublished = 0;
        Task? restart = null;
        for (var i = 0; i < Messages; i++)
        {
            var crate = new CrateLoaded($"crate-{i}");
            string? id = null;
            try
            {
                id = (await publisher.PublishAsync(crate)).MessageId;
            }
            catch (PublishException failure)
            {
                // During the outage: publish again under the same ID until the broker is back and confirms it.
                failedThenRepublished++;
                id = await RepublishAsync(publisher, crate, failure.MessageId);
            }

            published.Add(id);
            if (restart is null && Handled(consumer).Count >= Messages / 3)
            {
                // Mid-stream: a third handled, some in flight. The broker's node goes down; the publishing goes on
                // while it starts again, so the next publishes fail until the connection has recovered.
                await vhost.StopNodeAsync();
                restart = vhost.StartNodeAsync();
            }
        }

        Assert.True(restart is not null, "The stream ended before a third of it was handled: the broker was never restarted.");
        await restart;
        var clock = Stopwatch.StartNew();
        while (!published.All(Handled(consumer).Contains))
        {
            Assert.True(clock.Elapsed < Patience, $"Within {Patience.TotalSeconds:0} s of the last publish, {Handled(consumer).Count} of {Messages} were handled.");
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        var runs = consumer.Log.Runs.Where(run => run.Succeeded).ToList();
        output.WriteLine($"published {Messages} ({failedThenRepublished} failed during the outage and were published again under their ID); handled {runs.Count} times");
        Assert.Equal(Messages, published.Distinct().Count());
        Assert.All(runs.GroupBy(run => run.MessageId), group => Assert.True(group.Count() == 1, $"{group.Key} was handled {group.Count()} times"));
        Assert.Equal(published.Order(StringComparer.Ordinal), runs.Select(run => run.MessageId).Order(StringComparer.Ordinal));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private static HashSet<string> Handled(RabbitMqTestHost host) => [.. host.Log.Runs.Where(run => run.Succeeded).Select(run => run.MessageId)];

    private static async Task<string> RepublishAsync(IEventPublisher<CrateLoaded> publisher, CrateLoaded crate, string messageId)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return (await publisher.PublishAsync(crate, new PublishOptions { MessageId = messageId })).MessageId;
            }
            catch (PublishException) when (clock.Elapsed < Patience)
            {
                // Still recovering: each attempt is bounded by the publish timeout, so this loop does not spin.
            }
        }
    }
}
