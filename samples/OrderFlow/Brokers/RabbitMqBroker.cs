using System.Net.Http.Headers;
using System.Text;
using MessageContracts;
using OrderFlow.Loyalty;
using OrderFlow.Shipping;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace OrderFlow.Brokers;

/// <summary>
/// RabbitMQ (<c>--transport rabbitmq</c>): the same services over a real broker. Each run gets a virtual host of its own
/// when the broker's management API is known (<c>MESSAGECONTRACTS_RABBITMQ_HTTP</c>, which scripts/brokers.sh exports),
/// so no queue of an earlier run holds messages this run would count; otherwise the URI's virtual host is used as is.
/// Fault 1 is a publisher's retry after a lost confirmation: a plain AMQP client publishes a copy of the next
/// OrderPlaced again, with the same message ID.
/// </summary>
public sealed class RabbitMqBroker : SampleBroker
{
    public const string AmqpVariable = "MESSAGECONTRACTS_RABBITMQ";
    public const string HttpVariable = "MESSAGECONTRACTS_RABBITMQ_HTTP";

    private const string PoisonKeyHeader = "orderflow-poison-key";

    private readonly Uri uri;
    private readonly TemporaryVirtualHost? virtualHost;
    private readonly IConnection connection;
    private IChannel? tap;

    private RabbitMqBroker(Uri uri, TemporaryVirtualHost? virtualHost, IConnection connection)
    {
        this.uri = uri;
        this.virtualHost = virtualHost;
        this.connection = connection;
    }

    /// <summary>Connects to <paramref name="amqpUri"/> (or <c>MESSAGECONTRACTS_RABBITMQ</c>), in a virtual host of the run's own when it can.</summary>
    public static async Task<RabbitMqBroker> StartAsync(string? amqpUri, CancellationToken cancellationToken)
    {
        var given = amqpUri ?? Environment.GetEnvironmentVariable(AmqpVariable)
            ?? throw new ArgumentException(
                $"--transport rabbitmq needs a broker: pass --rabbitmq amqp://user:pass@host:5672/vhost, or set {AmqpVariable} "
                + "(`eval \"$(bash scripts/brokers.sh)\"` starts one and sets it).");
        var server = new Uri(given);
        var virtualHost = amqpUri is null && Environment.GetEnvironmentVariable(HttpVariable) is { Length: > 0 } http
            ? await TemporaryVirtualHost.CreateAsync(new Uri(http), server, cancellationToken)
            : null;
        var uri = virtualHost?.Uri ?? server;
        var connection = await new ConnectionFactory { Uri = uri, ClientProvidedName = "orderflow-probe" }.CreateConnectionAsync(cancellationToken);
        return new RabbitMqBroker(uri, virtualHost, connection);
    }

    public override string Description =>
        $"RabbitMQ: {uri.Host}:{uri.Port}, virtual host '{Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'))}'"
        + (virtualHost is not null ? " (this run's own)" : "") + "; a duplicate, a poison message and a flaky handler are injected";

    public override string DeadLetterPlace => "the services' dead-letter queues";

    public override string? DuplicateCause => "re-published copy";

    public override void Configure(MessageContractsOptions options) => options.UseRabbitMq(uri.ToString());

    public override string ArmDuplicatingFault()
    {
        // A queue of the sample's own on the OrderPlaced exchange sees the next OrderPlaced; its copy is published again
        // unchanged, as a publisher does when the connection went before the broker's confirmation came.
        tap = connection.CreateChannelAsync().GetAwaiter().GetResult();
        var queue = tap.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true).GetAwaiter().GetResult().QueueName;
        tap.QueueBindAsync(queue, OrderPlacedTopic, string.Empty).GetAwaiter().GetResult();
        var consumer = new AsyncEventingBasicConsumer(tap);
        var copied = 0;
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            if (Interlocked.Exchange(ref copied, 1) == 0)
            {
                var properties = new BasicProperties(delivery.BasicProperties);
                await tap.BasicPublishAsync(OrderPlacedTopic, string.Empty, mandatory: false, properties, delivery.Body.ToArray());
            }
        };
        tap.BasicConsumeAsync(queue, autoAck: true, consumer).GetAwaiter().GetResult();
        return "fault 1: the next OrderPlaced is published a second time with the same message ID, as a publisher retries after a lost confirmation";
    }

    public override async Task<string> SendPoisonAsync(CancellationToken cancellationToken)
    {
        var key = $"poison-{Guid.NewGuid():N}";
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true), cancellationToken);
        var properties = new BasicProperties
        {
            DeliveryMode = DeliveryModes.Persistent,
            Headers = new Dictionary<string, object?> { [PoisonKeyHeader] = key },
        };
        await channel.BasicPublishAsync(OrderPlacedTopic, string.Empty, mandatory: true, properties, new byte[] { 0xde, 0xad, 0xbe, 0xef, 0x00, 0xff }, cancellationToken);
        return key;
    }

    public override async Task<IReadOnlyList<string>> ServicesThatDeadLetteredAsync(string key, TimeSpan patience, CancellationToken cancellationToken)
    {
        var services = new List<string>();
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        foreach (var service in new[] { LoyaltyService.Name, ShippingService.Name })
        {
            // Read without acknowledging: the dead letters stay for whoever looks next.
            var queue = $"{OrderPlacedTopic}.{service}.dead-letter";
            while (await channel.BasicGetAsync(queue, autoAck: false, cancellationToken) is { } message)
            {
                if (message.BasicProperties.Headers?.TryGetValue(PoisonKeyHeader, out var value) is true
                    && value is byte[] bytes && Encoding.UTF8.GetString(bytes) == key)
                {
                    services.Add(service);
                }
            }
        }

        return services;
    }

    public override async ValueTask DisposeAsync()
    {
        if (tap is not null)
        {
            await tap.DisposeAsync();
        }

        await connection.DisposeAsync();
        if (virtualHost is not null)
        {
            await virtualHost.DisposeAsync();
        }
    }

    /// <summary>A virtual host created through the management API for one run, and deleted with everything in it afterwards.</summary>
    private sealed class TemporaryVirtualHost(HttpClient http, string name, Uri uri) : IAsyncDisposable
    {
        public Uri Uri => uri;

        public static async Task<TemporaryVirtualHost> CreateAsync(Uri management, Uri server, CancellationToken cancellationToken)
        {
            var credentials = Uri.UnescapeDataString(server.UserInfo);
            var user = credentials.Split(':', 2)[0];
            var http = new HttpClient { BaseAddress = management };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
            var name = "orderflow-" + Guid.NewGuid().ToString("N")[..12];
            (await http.PutAsync($"api/vhosts/{name}", null, cancellationToken)).EnsureSuccessStatusCode();
            using var permissions = new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json");
            (await http.PutAsync($"api/permissions/{name}/{Uri.EscapeDataString(user)}", permissions, cancellationToken)).EnsureSuccessStatusCode();
            return new TemporaryVirtualHost(http, name, new UriBuilder(server) { Path = "/" + name }.Uri);
        }

        public async ValueTask DisposeAsync()
        {
            using (http)
            {
                await http.DeleteAsync($"api/vhosts/{name}");
            }
        }
    }
}
