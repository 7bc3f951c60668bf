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
public class RabbitMqVirtualHost : IAsyncLifetime
{
    public const string AmqpVariable = "MESSAGECONTRACTS_RABBITMQ";
    public const string HttpVariable = "MESSAGECONTRACTS_RABBITMQ_HTTP";
    public const string NodeVariable = "MESSAGECONTRACTS_RABBITMQ_NODE";

    private readonly string amqpVariable;
    private readonly string httpVariable;
    private readonly string nodeVariable;

    public RabbitMqVirtualHost()
        : this(AmqpVariable, HttpVariable, NodeVariable)
    {
    }

    /// <summary>A virtual host on the broker the given variables name (<see cref="RestartNodeVirtualHost"/>).</summary>
    protected RabbitMqVirtualHost(string amqpVariable, string httpVariable, string nodeVariable)
    {
        this.amqpVariable = amqpVariable;
        this.httpVariable = httpVariable;
        this.nodeVariable = nodeVariable;
    }

    private RabbitMqManagementClient? management;
    private readonly List<IConnection> connections = [];

    public string Name { get; } = "mc-test-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The AMQP URI of this virtual host.</summary>
    public Uri Uri { get; private set; } = null!;

    /// <summary>The broker's management API (MESSAGECONTRACTS_RABBITMQ_HTTP).</summary>
    public Uri ManagementUri { get; private set; } = null!;

    internal RabbitMqManagementClient Management => management ?? throw new InvalidOperationException("The broker was not reached.");

    /// <summary>The broker's Erlang node name (for rabbitmqctl -n).</summary>
    public string Node => Required(nodeVariable);

    public async Task InitializeAsync()
    {
        var server = new Uri(Required(amqpVariable));
        var http = new Uri(Required(httpVariable));
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
                + $"Start one with scripts/brokers.sh (scripts/test.sh does), or set {amqpVariable} and {httpVariable} to one of yours.",
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

    /// <summary>Runs rabbitmqctl on this broker's node (<c>stop_app</c>, <c>start_app</c>); fails the test when it fails.</summary>
    public async Task RabbitMqCtlAsync(params string[] command)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("rabbitmqctl", ["-n", Node, "-q", .. command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        Assert.True(process.ExitCode == 0, $"rabbitmqctl {string.Join(' ', command)} exited with {process.ExitCode}: {await output}{await error}");
    }

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set: the RabbitMQ tests need a real broker. Run them through scripts/test.sh, or start one with "
                + "`eval \"$(bash scripts/brokers.sh)\"` and run dotnet test in that shell.");
}

/// <summary>
/// A virtual host on the second node scripts/brokers.sh starts for the tests that stop and start a broker
/// (MESSAGECONTRACTS_RABBITMQ_RESTART, _HTTP, _NODE): stopping the shared node would break every other RabbitMQ test
/// running at the same time, in this project and in the behaviour suite's.
/// </summary>
/// <remarks>
/// A restart is the whole node's (its Erlang VM stopped, then started with the same ports and data) through
/// scripts/brokers.sh, not rabbitmqctl stop_app / start_app: on RabbitMQ 3.10.8, after start_app the at-least-once
/// dead-letter supervisor is not running and every quorum queue with that strategy (all of this transport's) fails to
/// start.
/// </remarks>
public sealed class RestartNodeVirtualHost() : RabbitMqVirtualHost(
    "MESSAGECONTRACTS_RABBITMQ_RESTART", "MESSAGECONTRACTS_RABBITMQ_RESTART_HTTP", "MESSAGECONTRACTS_RABBITMQ_RESTART_NODE")
{
    /// <summary>Stops the broker's node; returns once its VM has exited.</summary>
    public Task StopNodeAsync() => NodeControlAsync("stop-node");

    /// <summary>Starts the node again (same ports, same data); returns once it has booted and its management API answers.</summary>
    public Task StartNodeAsync() => NodeControlAsync("start-node");

    private static async Task NodeControlAsync(string action)
    {
        var folder = Environment.GetEnvironmentVariable("MESSAGECONTRACTS_RABBITMQ_RESTART_DIR") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("MESSAGECONTRACTS_RABBITMQ_RESTART_DIR is not set: start the brokers with scripts/brokers.sh (scripts/test.sh does).");
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", [BrokersScript(), action, folder])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(180));
        Assert.True(process.ExitCode == 0, $"scripts/brokers.sh {action} exited with {process.ExitCode}: {await output}{await error}");
    }

    /// <summary>scripts/brokers.sh of the repository these tests were built from.</summary>
    private static string BrokersScript()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var script = Path.Combine(folder.FullName, "scripts", "brokers.sh");
            if (File.Exists(script))
            {
                return script;
            }
        }

        throw new FileNotFoundException($"scripts/brokers.sh was not found above {AppContext.BaseDirectory}.");
    }
}
