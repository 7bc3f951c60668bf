using MessageContracts.Redis.Tests.Support;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Xunit;

namespace MessageContracts.Redis.Tests;

/// <summary>
/// At-most-once events over Redis pub/sub, end to end with real hosts on the server MESSAGECONTRACTS_REDIS names:
/// [Event(Delivery = Delivery.AtMostOnce)] goes out by PUBLISH on channel {KeyPrefix}{topic}, is received by SUBSCRIBE,
/// and never touches a stream; PublishAsync says how many subscribers received it.
/// </summary>
public sealed class RedisPubSubTests(RedisServer server) : IClassFixture<RedisServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private const string Topic = "redis-tests.price-ticked";

    private readonly string prefix = server.Prefix + Guid.NewGuid().ToString("N")[..8] + ":";

    private IDatabase Redis => server.Database;

    [Fact]
    public async Task A_subscriber_receives_the_message_and_its_handler_runs_once()
    {
        await using var dashboard = await PubSubHost.StartAsync(server, prefix, "dashboard", handles: true);
        await using var pricing = await PubSubHost.StartAsync(server, prefix, "pricing", handles: false);

        var first = await pricing.Publisher.PublishAsync(new PriceTicked("ACME", 12.5m));
        Assert.Equal(1, first.Receivers);
        Assert.True(first.Delivered);

        // A second message, handled after the first on the one channel: once it is there, a repeat of the first would be too.
        var second = await pricing.Publisher.PublishAsync(new PriceTicked("INIT", 3m));
        await dashboard.Ticks.WaitForCountAsync(2, Patience);

        var ticks = dashboard.Ticks.Snapshot();
        Assert.Equal([first.MessageId, second.MessageId], ticks.Select(t => t.Context.MessageId));
        Assert.Equal(("ACME", 12.5m), (ticks[0].Message.Symbol, ticks[0].Message.Price));
        Assert.Equal("PriceTicked", ticks[0].Context.MessageType);
        Assert.DoesNotContain(pricing.Log.Lines, line => line.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task An_at_most_once_event_never_touches_a_stream()
    {
        await using var dashboard = await PubSubHost.StartAsync(server, prefix, "dashboard", handles: true);
        await using var pricing = await PubSubHost.StartAsync(server, prefix, "pricing", handles: false);

        for (var i = 0; i < 5; i++)
        {
            await pricing.Publisher.PublishAsync(new PriceTicked($"S{i}", i));
        }

        await dashboard.Ticks.WaitForCountAsync(5, Patience);

        // Neither the contract's stream, nor a group, nor any other stream under this test's prefix (the dedup store's
        // keys are strings and sets): the only stream a pub/sub message can reach is its dead-letter stream.
        Assert.False(await Redis.KeyExistsAsync(prefix + Topic));
        foreach (var key in await server.KeysAsync(prefix))
        {
            Assert.NotEqual(RedisType.Stream, await Redis.KeyTypeAsync(key));
        }
    }

    [Fact]
    public async Task A_failing_handler_and_an_unreadable_payload_are_dead_lettered_to_the_durable_stream()
    {
        await using var dashboard = await PubSubHost.StartAsync(server, prefix, "dashboard", handles: true);
        await using var pricing = await PubSubHost.StartAsync(server, prefix, "pricing", handles: false);

        var halted = await pricing.Publisher.PublishAsync(new PriceTicked("halt-ACME", 1m));
        await server.Connection.GetSubscriber().PublishAsync(RedisChannel.Literal(prefix + Topic), "not json");
        await pricing.Publisher.PublishAsync(new PriceTicked("AFTER", 2m));

        // The channel goes on after both.
        await dashboard.Ticks.WaitForCountAsync(1, Patience);
        var deadLetterStream = prefix + Topic + RedisOptionsExtensions.DeadLetterSuffix;
        await Eventually.HoldsAsync(async () => await Redis.StreamLengthAsync(deadLetterStream) == 2, Patience, "two dead letters");

        var deadLetters = await Redis.StreamRangeAsync(deadLetterStream);
        var failed = Assert.Single(deadLetters, entry => (string?)entry[MessageHeaders.Id] == halted.MessageId);
        Assert.Contains("halted", (string?)failed["mc_dlt_reason"], StringComparison.Ordinal);
        Assert.Equal("dashboard", (string?)failed["mc_dlt_consumer_group"]);
        var unreadable = Assert.Single(deadLetters, entry => (string?)entry["data"] == "not json");
        Assert.False(string.IsNullOrWhiteSpace((string?)unreadable["mc_dlt_reason"]));
        Assert.Equal("AFTER", Assert.Single(dashboard.Ticks.Snapshot()).Message.Symbol);
    }

    [Fact]
    public async Task A_payload_written_by_a_foreign_publisher_is_handled()
    {
        await using var dashboard = await PubSubHost.StartAsync(server, prefix, "dashboard", handles: true);

        const string payload = """
            {"ce_specversion":"1.0","ce_id":"foreign-1","ce_type":"PriceTicked","ce_source":"feed","ce_time":"2026-12-07T12:00:00Z","content-type":"application/json","partitionkey":"ACME","data":{"symbol":"ACME","price":7.25}}
            """;
        var receivers = await server.Connection.GetSubscriber().PublishAsync(RedisChannel.Literal(prefix + Topic), payload);

        Assert.Equal(1, receivers);
        await dashboard.Ticks.WaitForCountAsync(1, Patience);
        var tick = Assert.Single(dashboard.Ticks.Snapshot());
        Assert.Equal("foreign-1", tick.Context.MessageId);
        Assert.Equal(7.25m, tick.Message.Price);
    }
}
