using MessageContracts.RabbitMQ.Connections;
using MessageContracts.RabbitMQ.Management;
using RabbitMQ.Client;
using Xunit;

namespace MessageContracts.RabbitMQ.Tests;

/// <summary>
/// A virtual host of its own for one test class, on the broker scripts/brokers.sh starts (MESSAGECONTRACTS_RABBITMQ,
/// MESSAGECONTRACTS_RABBITMQ_HTTP), created through the management API and deleted with everything in it afterwards.
/// An unset variable or an unreachable broker fails every test of the class (never skips it), saying what to start.
/// </summary>
public sealed class RabbitMqVirtualHost : IAsyncLifetime
{
    public const string AmqpVariable = "MESSAGECONTRACTS_RABBITMQ";
    public const string HttpVariable = "MESSAGECONTRACTS_RABBITMQ_HTTP";
    public const string NodeVariable = "MESSAGECONTRACTS_RABBITMQ_NODE";

    private RabbitMqManagementClient? management;
    private readonly List<IConnection> connections = [];

    public string Name { get; } = "mc-test-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The AMQP URI of this virtual host.</summary>
    public Uri Uri { get; private set; } = null!;

    /// <summary>The broker's management API (MESSAGECONTRACTS_RABBITMQ_HTTP).</summary>
    public Uri ManagementUri { get; private set; } = null!;

    internal RabbitMqManagementClient Management => management ?? throw new InvalidOperationException("The broker was not reached.");

    /// <summary>The broker's Erlang node name (for rabbitmqctl -n), from MESSAGECONTRACTS_RABBITMQ_NODE.</summary>
    public static string Node => Required(NodeVariable);

    public async Task InitializeAsync()
    {
        var server = new Uri(Required(AmqpVariable));
        var http = new Uri(Required(HttpVariable));
        ManagementUri = http;
        management = RabbitMqManagementClient.ForAmqpUri(http, server);
        try
        {
            await management.CreateVirtualHostAsync(Name, RabbitMqManagementClient.Credentials(server).User, CancellationToken.None);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            throw new InvalidOperationException(
                $"The RabbitMQ tests need a broker, and its management API at {http} did not answer ({exception.Message}). "
                + $"Start one with scripts/brokers.sh (scripts/test.sh does), or set {AmqpVariable} and {HttpVariable} to one of yours.",
                exception);
        }

        Uri = new UriBuilder(server) { Path = "/" + Uri.EscapeDataString(Name) }.Uri;
    }

    /// <summary>A recovering connection to this virtual host, closed with the fixture.</summary>
    public async Task<IConnection> ConnectAsync(string clientName = "tests")
    {
        var connection = await RabbitMqConnections.ConnectAsync(Uri, clientName, TimeSpan.FromMilliseconds(500));
        lock (connections)
        {
            connections.Add(connection);
        }

        return connection;
    }

    public async Task DisposeAsync()
    {
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }

        if (management is not null)
        {
            await management.DeleteVirtualHostAsync(Name, CancellationToken.None);
            management.Dispose();
        }
    }

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set: the RabbitMQ tests need a real broker. Run them through scripts/test.sh, or start one with "
                + "`eval \"$(bash scripts/brokers.sh)\"` and run dotnet test in that shell.");
}
