using RabbitMQ.Client;
using Xunit;

namespace MessageContracts.RabbitMQ.Tests.Faults;

/// <summary>
/// A command the broker does not take is reported to the caller (issue 14): returned, when no queue receives it (it is
/// published mandatory), and nacked, when its queue refuses it. Either way the send fails with the message's ID and
/// says the message was not written, so the caller knows a retry cannot make a duplicate.
/// </summary>
public sealed class NackAndReturnTests(RabbitMqVirtualHost virtualHost) : IClassFixture<RabbitMqVirtualHost>
{
    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    [Fact]
    public async Task A_command_without_a_queue_fails_the_send()
    {
        await using var host = await RabbitMqTestHost.StartAsync(virtualHost, Unique("office"));

        var failure = await Assert.ThrowsAsync<PublishException>(() => host.Sender<UnownedOrder>().SendAsync(new UnownedOrder("o-1")));

        Assert.Contains("hosts.unowned-order", failure.Message + failure.InnerException?.Message);
        Assert.Equal(MessagePersistence.NotWritten, failure.Persistence);
    }

    [Fact]
    public async Task A_nacked_command_fails_the_send()
    {
        await using var host = await RabbitMqTestHost.StartAsync(virtualHost, Unique("office"));
        // A queue for the unowned command that takes nothing (max length 0, reject-publish): the broker nacks the publish.
        var connection = await virtualHost.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync("hosts.unowned-order", durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?>
        {
            ["x-max-length"] = 0,
            ["x-overflow"] = "reject-publish",
        });
        try
        {
            var failure = await Assert.ThrowsAsync<PublishException>(() => host.Sender<UnownedOrder>().SendAsync(new UnownedOrder("o-2")));
            Assert.Contains("nack", failure.Message + failure.InnerException?.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(MessagePersistence.NotWritten, failure.Persistence);
        }
        finally
        {
            await channel.QueueDeleteAsync("hosts.unowned-order");
        }
    }
}
