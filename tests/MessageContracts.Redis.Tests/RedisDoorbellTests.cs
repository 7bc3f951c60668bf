using System.Collections.Concurrent;
using MessageContracts.Redis.Tests.Faults;
using MessageContracts.Redis.Tests.Support;
using StackExchange.Redis;
using Xunit;

namespace MessageContracts.Redis.Tests;

/// <summary>
/// The doorbell: a publish wakes an idle consumer at once, however many publishes share one doorbell ring
/// (<see cref="DoorbellRinger"/> keeps one PUBLISH in flight per stream and rings once more after it).
/// </summary>
public sealed class RedisDoorbellTests(RedisServer server) : IClassFixture<RedisServer>
{
    // Polls this far apart would fail the test: only the doorbell can bring the messages in time.
    private static readonly TimeSpan Poll = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan WellBeforeAPoll = TimeSpan.FromSeconds(30);

    private readonly string prefix = server.Prefix + Guid.NewGuid().ToString("N")[..8] + ":";

    [Fact]
    public async Task Every_message_of_a_burst_wakes_an_idle_consumer_well_before_its_next_poll()
    {
        await using var host = await RedisHost.StartAsync(
            server,
            prefix,
            "couriers",
            configureRedis: redis =>
            {
                redis.MinPollDelay = Poll;
                redis.MaxPollDelay = Poll;
            });

        // The lane is idle (its first empty read started a wait of Poll) before the burst.
        await Eventually.HoldsAsync(
            async () => (await server.Database.StreamGroupInfoAsync(prefix + "redis-tests.deliver-parcel")).Length == 1,
            WellBeforeAPoll,
            "the command group");
        await host.Sender.SendAsync(new DeliverParcel("p-first", Refused: false));
        await host.Deliveries.WaitForCountAsync(1, WellBeforeAPoll);

        // Many publishes in flight at once: their rings overlap, and the last entries still wake the lane.
        await Task.WhenAll(Enumerable.Range(0, 300).Select(i => host.Sender.SendAsync(new DeliverParcel($"p-{i}", Refused: false))));
        await host.Deliveries.WaitForCountAsync(301, WellBeforeAPoll);

        // Once more after the burst, alone.
        await host.Sender.SendAsync(new DeliverParcel("p-last", Refused: false));
        await host.Deliveries.WaitForCountAsync(302, WellBeforeAPoll);
        Assert.Equal(302, host.Deliveries.Snapshot().Select(d => d.Message.ParcelId).Distinct().Count());
    }

    [Fact]
    public async Task Rings_during_a_ring_in_flight_become_one_more_ring_after_it()
    {
        // A server of the test's own: it is paused, which would stall every other test on the shared one.
        await using var redis = await OwnRedisServer.StartAsync(appendOnly: false);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true");
        await using var listener = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var naming = new RedisStreamNaming(new RedisTransportOptions { KeyPrefix = "bells:" }, new MessageContractsOptions());
        var heard = new ConcurrentQueue<string>();
        await listener.GetSubscriber().SubscribeAsync(naming.Doorbell("orders"), (_, value) => heard.Enqueue(value.ToString()));
        var ringer = new DoorbellRinger(connection, naming);

        // The first ring's PUBLISH waits in the paused server; five more rings come meanwhile.
        await connection.GetServer(redis.Configuration).ExecuteAsync("CLIENT", "PAUSE", "1000", "ALL");
        for (var i = 0; i < 6; i++)
        {
            ringer.Ring("orders");
        }

        await Eventually.HoldsAsync(() => Task.FromResult(heard.Count >= 2), WellBeforeAPoll, "the ring in flight and one more after it");

        // Whatever the ringer sent was sent before this marker, on the same connection: all heard before it.
        await connection.GetSubscriber().PublishAsync(naming.Doorbell("orders"), "end");
        await Eventually.HoldsAsync(() => Task.FromResult(heard.Contains("end")), WellBeforeAPoll, "the marker");
        Assert.Equal(["", "", "end"], heard);
    }
}
