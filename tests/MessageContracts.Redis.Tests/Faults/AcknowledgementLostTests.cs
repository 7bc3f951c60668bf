using MessageContracts.Redis.Tests.Support;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Redis.Tests.Faults;

/// <summary>
/// The server dies with an acknowledgement in flight: the entry was settled (handled, marked processed) and its XACK
/// sent, never executed. After the restart (with persistence) the entry is still pending under the live consumer, which
/// must read it again at once (and drop it as processed) rather than leave it for another consumer's reclaim, minutes
/// later.
/// </summary>
public sealed class AcknowledgementLostTests(ITestOutputHelper output)
{
    private const string CommandTopic = "redis-tests.deliver-parcel";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_acknowledgement_lost_with_the_server_is_made_again_after_the_restart_without_waiting_for_a_reclaim()
    {
        await using var redis = await OwnRedisServer.StartAsync(appendOnly: true, output);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(RedisConnections.Options(redis.Configuration + ",allowAdmin=true", "fault-test"));
        var gate = new DeliveryGate();

        // The deduplication store is elsewhere (in memory), so the mark succeeds while Redis holds the XACK; the reads
        // wait for the server (a long timeout) instead of failing, as in a restart shorter than the timeout. Reclaim
        // is the default (5 minutes idle), far beyond this test.
        await using var consumer = await FaultHost.StartAsync(
            redis.Configuration + ",asyncTimeout=60000", "couriers", connection, handles: true, gate, events: false, new InMemoryDeduplicationStore());
        var sent = await consumer.Sender.SendAsync(new DeliverParcel("hold-1", Refused: false));
        await gate.Entered.WaitAsync(Patience);

        // Redis stops answering (every client paused), the handler completes, and the XACK is sent: in flight, unanswered.
        await connection.GetServer(redis.Configuration).ExecuteAsync("CLIENT", "PAUSE", "60000", "ALL");
        gate.Release();
        await consumer.Deliveries.WaitForCountAsync(1, Patience);
        var server = consumer.Connection.GetServer(redis.Configuration);
        await Eventually.HoldsAsync(
            () => Task.FromResult(server.GetCounters().Interactive.SentItemsAwaitingResponse > 0),
            Patience,
            "the acknowledgement to be sent and unanswered");

        redis.Kill();
        await Eventually.HoldsAsync(
            () => Task.FromResult(consumer.Logs.Contains("Acknowledging entries of Redis stream " + CommandTopic + " failed")),
            Patience,
            "the acknowledgement to fail with the connection");
        await redis.StartAsync();

        // The AOF kept the entry pending; the consumer reads its own pending entries again and acknowledges this one.
        await Eventually.HoldsAsync(
            async () =>
            {
                try
                {
                    var group = (await connection.GetDatabase().StreamGroupInfoAsync(CommandTopic)).Single();
                    return group.PendingMessageCount == 0;
                }
                catch (RedisException)
                {
                    return false;
                }
            },
            Patience,
            "the entry to be acknowledged after the restart");
        Assert.Equal(sent.MessageId, Assert.Single(consumer.Deliveries.Snapshot()).Context.MessageId);
        Assert.Equal(1, await connection.GetDatabase().StreamLengthAsync(CommandTopic));
    }
}
