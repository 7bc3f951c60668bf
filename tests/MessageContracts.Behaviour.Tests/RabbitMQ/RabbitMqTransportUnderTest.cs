using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using MessageContracts.Behaviour.Tests.Transports;
using RabbitMQ.Client;

namespace MessageContracts.Behaviour.Tests.RabbitMQ;

/// <summary>
/// RabbitMQ under the behaviour suite: the real broker scripts/brokers.sh starts (MESSAGECONTRACTS_RABBITMQ,
/// MESSAGECONTRACTS_RABBITMQ_HTTP, MESSAGECONTRACTS_RABBITMQ_NODE), a new virtual host for every test. A service is
/// its own queue of an event (<c>&lt;topic&gt;.&lt;service&gt;</c>) or the command's one queue (<c>&lt;topic&gt;</c>);
/// raw records go to the event's fanout exchange or, for a command, to its queue through the default exchange, with the
/// key in the transport's <c>mc_key</c> header. "Settled" is every queue of the virtual host having nothing ready or
/// unacknowledged, as the broker itself counts them (rabbitmqctl, not the management API's sampled statistics).
/// </summary>
public sealed class RabbitMqTransportUnderTest : TransportUnderTest
{
    private const string AmqpVariable = "MESSAGECONTRACTS_RABBITMQ";
    private const string HttpVariable = "MESSAGECONTRACTS_RABBITMQ_HTTP";
    private const string NodeVariable = "MESSAGECONTRACTS_RABBITMQ_NODE";
    private const string KeyHeader = "mc_key";

    /// <summary>AMQP field names are short strings: at most 255 bytes.</summary>
    private const int MaxHeaderNameBytes = 255;

    private static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(50);

    private Uri server = null!;
    private HttpClient management = null!;
    private string node = null!;
    private string? virtualHost;
    private IConnection? connection;
    private IChannel? publisher;

    public override string Name => "rabbitmq";

    private Uri VirtualHostUri => new UriBuilder(server) { Path = "/" + (virtualHost ?? throw new InvalidOperationException("BeginTestAsync was not called.")) }.Uri;

    public override bool CanCarry(IReadOnlyList<KeyValuePair<string, byte[]>> headers) =>
        headers.All(h => Encoding.UTF8.GetByteCount(h.Key) <= MaxHeaderNameBytes);

    public override Task InitializeAsync()
    {
        server = new Uri(Required(AmqpVariable));
        node = Required(NodeVariable);
        var credentials = Uri.UnescapeDataString(server.UserInfo);
        management = new HttpClient { BaseAddress = new Uri(Required(HttpVariable)) };
        management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        return Task.CompletedTask;
    }

    public override async Task BeginTestAsync()
    {
        await DropVirtualHostAsync();
        virtualHost = "mc-suite-" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            (await management.PutAsync($"api/vhosts/{virtualHost}", null)).EnsureSuccessStatusCode();
        }
        catch (HttpRequestException exception)
        {
            throw new InvalidOperationException(
                $"The RabbitMQ behaviour suite needs a broker, and its management API at {management.BaseAddress} did not answer ({exception.Message}). "
                + "Start one with `eval \"$(bash scripts/brokers.sh)\"` (scripts/test.sh does).", exception);
        }

        var user = Uri.EscapeDataString(Uri.UnescapeDataString(server.UserInfo).Split(':', 2)[0]);
        using var permissions = new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json");
        (await management.PutAsync($"api/permissions/{virtualHost}/{user}", permissions)).EnsureSuccessStatusCode();
        connection = await new ConnectionFactory { Uri = VirtualHostUri, ClientProvidedName = "behaviour-suite" }.CreateConnectionAsync();
        publisher = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
    }

    public override void Configure(MessageContractsOptions options, string service) =>
        options.UseRabbitMq(VirtualHostUri.ToString(), rabbit => rabbit.ManagementUri = management.BaseAddress);

    public override async Task SendRawAsync(
        string destinationOfContract, byte[]? key, byte[] value, IReadOnlyList<KeyValuePair<string, byte[]>> headers)
    {
        var table = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, bytes) in headers)
        {
            table[name] = bytes;
        }

        if (key is not null)
        {
            table[KeyHeader] = key;
        }

        var properties = new BasicProperties { DeliveryMode = DeliveryModes.Persistent, Headers = table.Count > 0 ? table : null };
        var isCommand = SuiteDestinations.KindOf(destinationOfContract) == MessageKind.Command;

        // Mandatory: a record no queue takes would be a test that proves nothing.
        await publisher!.BasicPublishAsync(
            isCommand ? string.Empty : destinationOfContract,
            isCommand ? destinationOfContract : string.Empty,
            mandatory: true,
            properties,
            value);
    }

    public override async Task WaitUntilSettledAsync(string destinationOfContract, string service, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var busy = await BusyQueuesAsync();
            if (busy.Count == 0)
            {
                return;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException(
                    $"'{service}' did not settle '{destinationOfContract}' within {timeout.TotalSeconds:0} s: {string.Join(", ", busy)}.");
            }

            await Task.Delay(CheckInterval);
        }
    }

    public override async Task<IReadOnlyList<DeadLetterSeen>> ReadDeadLettersAsync(
        string destinationOfContract, string service, int atLeast, TimeSpan timeout)
    {
        var queue = (SuiteDestinations.KindOf(destinationOfContract) == MessageKind.Command ? destinationOfContract : $"{destinationOfContract}.{service}")
            + new MessageContractsOptions().DeadLetterTopicSuffix;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var seen = await PeekAllAsync(queue);
            if (seen.Count >= atLeast)
            {
                return seen;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Expected at least {atLeast} dead letter(s) of '{service}' in queue '{queue}' within {timeout.TotalSeconds:0} s; saw {seen.Count}.");
            }

            await Task.Delay(CheckInterval);
        }
    }

    public override async Task DisposeAsync()
    {
        await DropVirtualHostAsync();
        management?.Dispose();
    }

    /// <summary>Reads every message of <paramref name="queue"/> without acknowledging it, then returns them all to the queue.</summary>
    private async Task<IReadOnlyList<DeadLetterSeen>> PeekAllAsync(string queue)
    {
        await using var channel = await connection!.CreateChannelAsync();
        var seen = new List<DeadLetterSeen>();
        try
        {
            while (await channel.BasicGetAsync(queue, autoAck: false) is { } message)
            {
                var headers = new List<KeyValuePair<string, byte[]>>();
                byte[]? key = null;
                foreach (var (name, raw) in message.BasicProperties.Headers ?? new Dictionary<string, object?>())
                {
                    if (raw is not byte[] bytes)
                    {
                        continue;
                    }

                    if (name == KeyHeader)
                    {
                        key = bytes;
                    }
                    else
                    {
                        headers.Add(new(name, bytes));
                    }
                }

                seen.Add(new DeadLetterSeen(key, message.Body.ToArray(), headers));
            }
        }
        catch (global::RabbitMQ.Client.Exceptions.OperationInterruptedException exception) when (exception.ShutdownReason?.ReplyCode == 404)
        {
            // The queue is not declared (yet): nothing was dead-lettered to it.
        }

        // Closing the channel returns the unacknowledged messages to the queue.
        return seen;
    }

    /// <summary>"queue: ready R, unacked U" for every queue of the virtual host with anything in it, as the broker counts them.</summary>
    private async Task<IReadOnlyList<string>> BusyQueuesAsync()
    {
        var start = new ProcessStartInfo("rabbitmqctl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "-n", node, "list_queues", "-p", virtualHost!, "name", "messages_ready", "messages_unacknowledged", "--no-table-headers", "--quiet" },
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("rabbitmqctl did not start.");
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"rabbitmqctl list_queues failed ({process.ExitCode}): {error}");
        }

        var busy = new List<string>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split('\t');
            if (fields.Length == 3 && !fields[0].EndsWith(new MessageContractsOptions().DeadLetterTopicSuffix, StringComparison.Ordinal)
                && (long.Parse(fields[1], CultureInfo.InvariantCulture) > 0 || long.Parse(fields[2], CultureInfo.InvariantCulture) > 0))
            {
                busy.Add($"{fields[0]}: ready {fields[1]}, unacked {fields[2]}");
            }
        }

        return busy;
    }

    private async Task DropVirtualHostAsync()
    {
        if (publisher is not null)
        {
            await publisher.DisposeAsync();
            publisher = null;
        }

        if (connection is not null)
        {
            await connection.DisposeAsync();
            connection = null;
        }

        if (virtualHost is not null)
        {
            await management.DeleteAsync($"api/vhosts/{virtualHost}");
            virtualHost = null;
        }
    }

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set: the RabbitMQ behaviour suite needs a real broker. Run it through scripts/test.sh, or start one with "
                + "`eval \"$(bash scripts/brokers.sh)\"` and run dotnet test in that shell.");
}
