using MessageContracts.Redis.Tests.Support;
using Microsoft.Extensions.Logging;
using Xunit;

namespace MessageContracts.Redis.Tests.Faults;

/// <summary>
/// The fault pub/sub is made for: an at-most-once event published while nobody listens is lost, and the publisher is
/// told so (PublishResult.Receivers is 0, and a warning names the message and the channel), on the server
/// MESSAGECONTRACTS_REDIS names.
/// </summary>
public sealed class NoSubscriberTests(RedisServer server) : IClassFixture<RedisServer>
{
    private const string Topic = "redis-tests.price-ticked";

    private readonly string prefix = server.Prefix + Guid.NewGuid().ToString("N")[..8] + ":";

    [Fact]
    public async Task A_message_published_with_no_subscriber_is_reported_as_received_by_nobody_and_logged()
    {
        await using var pricing = await PubSubHost.StartAsync(server, prefix, "pricing", handles: false);

        var published = await pricing.Publisher.PublishAsync(new PriceTicked("ACME", 12.5m));

        Assert.Equal(0, published.Receivers);
        var warning = Assert.Single(pricing.Log.Lines, line => line.Level == LogLevel.Warning);
        Assert.Contains(published.MessageId, warning.Message, StringComparison.Ordinal);
        Assert.Contains("no subscriber", warning.Message, StringComparison.Ordinal);
        Assert.Contains(prefix + Topic, warning.Message, StringComparison.Ordinal);
    }
}
