using System.Text;
using MessageContracts.RabbitMQ.Topology;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace MessageContracts.RabbitMQ.Tests;

/// <summary>
/// Plain AMQP, below the toolkit: send arbitrary bytes and headers straight to a queue (a foreign or hostile producer),
/// and read what a dead-letter queue holds. Reusable by any test that needs the broker's view.
/// </summary>
public static class RawAmqp
{
    /// <summary>The queue <paramref name="service"/> reads <typeparamref name="T"/> from (default names).</summary>
    public static string QueueOf<T>(string service)
        where T : IMessageContract<T> =>
        new RabbitMqTopologyBuilder(service, new RabbitMqTopologyOptions()).ConsumedQueue(RabbitMqContract.Of<T>());

    /// <summary>The dead-letter queue of the queue <paramref name="service"/> reads <typeparamref name="T"/> from.</summary>
    public static string DeadLetterQueueOf<T>(string service)
        where T : IMessageContract<T> => RabbitMqNaming.Default.DeadLetterQueue(QueueOf<T>(service));

    /// <summary>
    /// Publishes <paramref name="body"/> with exactly <paramref name="headers"/> (string values as AMQP long strings) and
    /// the given properties to <paramref name="queue"/> through the default exchange, confirmed.
    /// </summary>
    public static async Task SendToQueueAsync(
        IConnection connection, string queue, byte[] body, IReadOnlyDictionary<string, string>? headers = null, string? messageId = null, string? type = null)
    {
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var properties = new BasicProperties
        {
            MessageId = messageId,
            Type = type,
            DeliveryMode = DeliveryModes.Persistent,
            Headers = headers?.ToDictionary(pair => pair.Key, pair => (object?)pair.Value),
        };
        await channel.BasicPublishAsync("", queue, mandatory: true, properties, body);
    }

    /// <summary>A message read back from a queue: its body and headers as text.</summary>
    public sealed record ReadMessage(string Body, IReadOnlyDictionary<string, string> Headers, string? MessageId);

    /// <summary>
    /// Consumes <paramref name="queue"/> (acknowledging) until <paramref name="count"/> messages arrived, and returns them;
    /// the bound only stops a broken build.
    /// </summary>
    public static async Task<IReadOnlyList<ReadMessage>> TakeAsync(IConnection connection, string queue, int count, TimeSpan? bound = null)
    {
        await using var channel = await connection.CreateChannelAsync();
        var messages = new List<ReadMessage>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, args) =>
        {
            lock (messages)
            {
                messages.Add(Read(args.Body, args.BasicProperties));
                if (messages.Count >= count)
                {
                    done.TrySetResult();
                }
            }

            return Task.CompletedTask;
        };
        var tag = await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        try
        {
            await done.Task.WaitAsync(bound ?? TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Waited for {count} messages in '{queue}'; got {messages.Count}.");
        }

        await channel.BasicCancelAsync(tag);
        lock (messages)
        {
            return [.. messages];
        }
    }

    private static ReadMessage Read(ReadOnlyMemory<byte> body, IReadOnlyBasicProperties properties)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in properties.Headers ?? new Dictionary<string, object?>())
        {
            if (value is byte[] bytes)
            {
                headers[name] = Encoding.UTF8.GetString(bytes);
            }
            else if (value is IFormattable formattable)
            {
                headers[name] = formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return new ReadMessage(Encoding.UTF8.GetString(body.Span), headers, properties.MessageId);
    }
}
