using System.Net;
using System.Net.Sockets;
using MessageContracts.RabbitMQ.Transport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace MessageContracts.RabbitMQ.Tests;

/// <summary>
/// A broker that accepts the TCP connection and never answers the AMQP handshake (seen on a heavily loaded node): the
/// publisher's connection attempt, and with it every publish waiting for it, fails within the publish timeout.
/// </summary>
public sealed class SilentBrokerTests
{
    [Fact]
    public async Task Opening_the_publisher_against_a_broker_that_never_answers_the_handshake_fails_within_the_publish_timeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var accepted = silent.AcceptSocketAsync();
        var options = new MessageContractsOptions { ServiceName = "silent", PublishTimeout = TimeSpan.FromSeconds(1) };
        await using var sender = new RabbitMqTransportSender(
            new Uri($"amqp://mc:mc@127.0.0.1:{port}/"),
            new RabbitMqTransportOptions(),
            options,
            () => throw new InvalidOperationException("not needed to connect"),
            TimeProvider.System,
            NullLogger.Instance);

        // The bound only stops a broken build from hanging the run; the publish timeout is 1 s.
        var failure = await Assert.ThrowsAsync<TimeoutException>(() => sender.PrepareAsync("anything", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("did not complete the AMQP handshake", failure.Message);
        using var connection = await accepted;
        Assert.True(connection.Connected);
    }
}
