using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace MessageContracts.Benchmarks.EndToEnd;

/// <summary>
/// (r) The RabbitMQ baseline: RabbitMQ.Client 7 on the same broker as the toolkit's RabbitMQ contender, with the same
/// guarantees the toolkit gives. Persistent messages published to a durable fanout exchange with publisher
/// confirmations and their tracking (a publish completes on the broker's ack), <see cref="RunSettings.Window"/>
/// publishes outstanding; one durable quorum queue bound to it; a consumer with manual acknowledgements, the toolkit's
/// default concurrency (<c>MaxConcurrency</c> = 2 x cores) as the channel's dispatch concurrency and its prefetch
/// (16 x that). The message carries the toolkit's CloudEvents attributes the way the toolkit sends them (AMQP properties
/// plus <c>ce_*</c> headers), and the consumer reads the message ID from them.
/// </summary>
/// <remarks>Each run declares its own exchange and queue (a fresh name) and deletes them afterwards.</remarks>
internal sealed class RawRabbitMqContender(string? uri) : Contender
{
    private static readonly CreateChannelOptions Confirming = new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);

    public override string Key => RabbitMqBench.RawKey;

    public override string Description => "raw RabbitMQ.Client: confirmed persistent publishes, quorum queue, manual acks (the RabbitMQ reference)";

    public override string Broker => RabbitMqBench.Broker;

    public override string? SkipReason => string.IsNullOrEmpty(uri) ? $"{RabbitMqBench.Variable} is not set (source scripts/brokers.sh)" : null;

    /// <summary>The toolkit's default consumer concurrency, which the raw consumer matches.</summary>
    private static ushort Concurrency => (ushort)(Environment.ProcessorCount * 2);

    /// <summary>The toolkit's default prefetch (16 deliveries per lane, a lane per unit of concurrency), which the raw consumer matches.</summary>
    private static ushort Prefetch => (ushort)(Concurrency * 16);

    public override async Task<RunResult> RunAsync(RunSettings settings, int round)
    {
        var factory = new ConnectionFactory { Uri = new Uri(uri!), ClientProvidedName = "bench-raw" };
        await using var connection = await factory.CreateConnectionAsync().ConfigureAwait(false);
        var exchange = "bench.raw." + Guid.NewGuid().ToString("N")[..12];
        var queue = exchange + ".consumer";
        await using var setup = await connection.CreateChannelAsync().ConfigureAwait(false);
        await setup.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false).ConfigureAwait(false);
        await setup.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }).ConfigureAwait(false);
        await setup.QueueBindAsync(queue, exchange, routingKey: string.Empty).ConfigureAwait(false);
        try
        {
            var sink = new LatencySink();
            await using var consumerChannel = await StartConsumerAsync(connection, queue, sink).ConfigureAwait(false);
            await using var publisher = await connection.CreateChannelAsync(Confirming).ConfigureAwait(false);

            sink.Reset(settings.WarmUp);
            await PublishAsync(publisher, exchange, settings.WarmUp, settings.Window).ConfigureAwait(false);
            if (!await WaitAsync(sink, settings.Timeout).ConfigureAwait(false))
            {
                throw new TimeoutException("raw RabbitMQ: the warm-up messages were not consumed.");
            }

            sink.Reset(settings.Messages);
            var started = Stopwatch.GetTimestamp();
            await (settings.PacedRate is { } rate
                ? PublishPacedAsync(publisher, exchange, settings.Messages, rate)
                : PublishAsync(publisher, exchange, settings.Messages, settings.Window)).ConfigureAwait(false);
            var published = Stopwatch.GetTimestamp();
            var completed = await WaitAsync(sink, settings.Timeout).ConfigureAwait(false);
            return Result(Key, round, settings, sink, started, published, completed);
        }
        finally
        {
            await setup.QueueDeleteAsync(queue).ConfigureAwait(false);
            await setup.ExchangeDeleteAsync(exchange).ConfigureAwait(false);
        }
    }

    private static async Task<IChannel> StartConsumerAsync(IConnection connection, string queue, LatencySink sink)
    {
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: Concurrency)).ConfigureAwait(false);
        await channel.BasicQosAsync(prefetchSize: 0, prefetchCount: Prefetch, global: false).ConfigureAwait(false);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            if (string.IsNullOrEmpty(delivery.BasicProperties.MessageId))
            {
                throw new InvalidOperationException("raw RabbitMQ: a message without message-id.");
            }

            var message = JsonSerializer.Deserialize(delivery.Body.Span, BenchJsonContext.Default.BenchOrderPlaced)!;
            sink.Record(message.SentAt);
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false).ConfigureAwait(false);
        };
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer).ConfigureAwait(false);
        return channel;
    }

    /// <summary>Publishes <paramref name="count"/> messages, <paramref name="window"/> confirmations outstanding, and awaits them.</summary>
    private static async Task PublishAsync(IChannel channel, string exchange, int count, int window)
    {
        var pending = new Task[Math.Min(window, count)];
        long sequence = 0;
        for (var sent = 0; sent < count;)
        {
            var batch = Math.Min(window, count - sent);
            for (var i = 0; i < batch; i++)
            {
                pending[i] = PublishOneAsync(channel, exchange, sequence++);
            }

            await Task.WhenAll(pending.AsSpan(0, batch)).ConfigureAwait(false);
            sent += batch;
        }
    }

    private static async Task PublishPacedAsync(IChannel channel, string exchange, int count, double rate)
    {
        var pending = new Task[count];
        await Pacing.RunAsync(count, rate, sequence => pending[sequence] = PublishOneAsync(channel, exchange, sequence)).ConfigureAwait(false);
        await Task.WhenAll(pending).ConfigureAwait(false);
    }

    private static Task PublishOneAsync(IChannel channel, string exchange, long sequence)
    {
        var message = BenchOrderPlaced.Create(sequence);
        var id = Guid.CreateVersion7().ToString("D");
        var now = DateTimeOffset.UtcNow;
        var properties = new BasicProperties
        {
            MessageId = id,
            Type = RabbitMqBench.MessageType,
            AppId = RabbitMqBench.Source,
            ContentType = "application/json",
            Timestamp = new AmqpTimestamp(now.ToUnixTimeSeconds()),
            DeliveryMode = DeliveryModes.Persistent,
            Headers = new Dictionary<string, object?>(6)
            {
                ["ce_specversion"] = "1.0",
                ["ce_id"] = id,
                ["ce_type"] = RabbitMqBench.MessageType,
                ["ce_source"] = RabbitMqBench.Source,
                ["ce_time"] = now.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            },
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(message, BenchJsonContext.Default.BenchOrderPlaced);
        return channel.BasicPublishAsync(exchange, routingKey: string.Empty, mandatory: false, properties, body).AsTask();
    }
}

/// <summary>What the RabbitMQ contenders share.</summary>
internal static class RabbitMqBench
{
    /// <summary>The broker's AMQP URI, as scripts/brokers.sh exports it.</summary>
    public const string Variable = "MESSAGECONTRACTS_RABBITMQ";

    /// <summary>The broker's management API, as scripts/brokers.sh exports it: the toolkit contender's virtual hosts.</summary>
    public const string ManagementVariable = "MESSAGECONTRACTS_RABBITMQ_HTTP";

    /// <summary>The <see cref="Contender.Broker"/> of the RabbitMQ contenders.</summary>
    public const string Broker = "rabbitmq";

    /// <summary>The raw reference every RabbitMQ contender's ratios are given against.</summary>
    public const string RawKey = "r-rabbitmq-raw";

    public const string MessageType = "BenchOrderPlaced";

    public const string Source = "bench";
}

/// <summary>A virtual host created through the management API for one run, and deleted with everything in it afterwards.</summary>
internal sealed class BenchVirtualHost(HttpClient http, string name, Uri uri) : IAsyncDisposable
{
    /// <summary>The AMQP URI of the virtual host.</summary>
    public Uri Uri => uri;

    public static async Task<BenchVirtualHost> CreateAsync(Uri management, Uri server)
    {
        var credentials = Uri.UnescapeDataString(server.UserInfo);
        var http = new HttpClient { BaseAddress = management };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        var name = "bench-" + Guid.NewGuid().ToString("N")[..12];
        (await http.PutAsync($"api/vhosts/{name}", null).ConfigureAwait(false)).EnsureSuccessStatusCode();
        using var permissions = new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json");
        var user = Uri.EscapeDataString(credentials.Split(':', 2)[0]);
        (await http.PutAsync($"api/permissions/{name}/{user}", permissions).ConfigureAwait(false)).EnsureSuccessStatusCode();
        return new BenchVirtualHost(http, name, new UriBuilder(server) { Path = "/" + name }.Uri);
    }

    public async ValueTask DisposeAsync()
    {
        using (http)
        {
            await http.DeleteAsync($"api/vhosts/{name}").ConfigureAwait(false);
        }
    }
}
