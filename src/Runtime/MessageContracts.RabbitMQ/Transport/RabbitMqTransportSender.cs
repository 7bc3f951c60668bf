using System.Collections.Concurrent;
using MessageContracts.RabbitMQ.Connections;
using MessageContracts.RabbitMQ.Publishing;
using MessageContracts.RabbitMQ.Topology;
using MessageContracts.Transports;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace MessageContracts.RabbitMQ.Transport;

/// <summary>
/// The seam's sender over one recovering connection and one confirming channel (<see cref="ConfirmedPublisher"/>): an
/// event goes to its fanout exchange (declared before its first message), a command to its queue through the default
/// exchange, mandatory, and a dead letter of a handled topic to this service's dead-letter queue of that topic, mandatory.
/// The observer hears the broker's ack, or a failure: a nack or a return (not stored), a timeout or a lost connection
/// (possibly stored), each within <see cref="MessageContractsOptions.PublishTimeout"/>. A record whose handlers failed
/// every in-process attempt is handed back through the retry queues, one per delay in order (the round is the
/// <c>mc_retry_round</c> header), before the core dead-letters it.
/// </summary>
internal sealed partial class RabbitMqTransportSender : ITransportSender, IDelayedRetrySender, IAsyncDisposable, IDisposable
{
    private const string DefaultExchange = "";

    private readonly Uri uri;
    private readonly RabbitMqTransportOptions settings;
    private readonly MessageContractsOptions options;
    private readonly Lazy<RabbitMqServiceContracts> contracts;
    private readonly TimeProvider clock;
    private readonly ILogger logger;
    private readonly ConcurrentDictionary<string, Lazy<Task>> declaredExchanges = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Destination, MessageKind Kind, string MessageType), RabbitMqRoute> routes = new();
    private readonly PublishDeadlines connectDeadlines;
    private readonly object gate = new();
    private Task<Publisher>? opening;

    public RabbitMqTransportSender(
        Uri uri,
        RabbitMqTransportOptions settings,
        MessageContractsOptions options,
        Func<RabbitMqServiceContracts> contracts,
        TimeProvider clock,
        ILogger logger)
    {
        this.uri = uri;
        this.settings = settings;
        this.options = options;
        this.contracts = new Lazy<RabbitMqServiceContracts>(contracts);
        this.clock = clock;
        this.logger = logger;
        connectDeadlines = new PublishDeadlines(options.PublishTimeout);
    }

    /// <summary>Opens the connection (once); an exchange is declared with the first event sent to it, since only then is the kind known.</summary>
    public Task PrepareAsync(string destination, CancellationToken cancellationToken) =>
        OpenAsync().WaitAsync(cancellationToken);

    public void Send(in OutboundMessage message, IDeliveryObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _ = SendAsync(message, observer);
    }

    /// <summary>For a container disposed synchronously (it would refuse a service that is only IAsyncDisposable).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        Task<Publisher>? opened;
        lock (gate)
        {
            opened = opening;
            opening = null;
        }

        if (opened is { IsCompletedSuccessfully: true })
        {
            await opened.Result.Confirmed.DisposeAsync().ConfigureAwait(false);
            await opened.Result.Connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The header counting a record's delayed retries (absent on the first delivery).</summary>
    public const string RetryRoundHeader = "mc_retry_round";

    /// <summary>
    /// Publishes a copy of <paramref name="record"/> (same ID, body and headers, the round counted up) to the retry queue of
    /// its next round, whose TTL returns it to the queue it came from; false once every delay was used.
    /// </summary>
    public async Task<bool> TryRetryLaterAsync(InboundRecord record, CancellationToken cancellationToken)
    {
        var service = contracts.Value;
        if (service.ConsumedOn(record.Source) is not { } contract)
        {
            return false;
        }

        var round = RetryRound(record.Headers);
        var delays = service.Topology.RetryDelays;
        if (round >= delays.Count)
        {
            return false;
        }

        var headers = record.Headers is { } original ? new TransportHeaderList(original, extraCapacity: 1) : new TransportHeaderList(1);
        headers.Add(RetryRoundHeader, System.Text.Encoding.UTF8.GetBytes((round + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var copy = new OutboundMessage(record.Source, contract.Kind, Text(headers, MessageHeaders.Id), Text(headers, MessageHeaders.Type), record.Key, record.Value ?? [], headers);
        var route = new RabbitMqRoute(DefaultExchange, service.Naming.RetryQueue(service.QueueOf(contract), delays[round]), Mandatory: true);
        var publisher = await OpenAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        await publisher.Confirmed.PublishAsync(route, AmqpTransportHeaders.Properties(copy, clock), copy.Body, copy.MessageId, copy.MessageType, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static int RetryRound(TransportHeaders? headers) =>
        headers is not null && headers.TryGetLast(RetryRoundHeader, out var value) && value is not null
            && int.TryParse(System.Text.Encoding.UTF8.GetString(value), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var round)
            ? round
            : 0;

    private static string Text(TransportHeaders headers, string name) =>
        headers.TryGetLast(name, out var value) && value is { Length: <= 1024 } ? System.Text.Encoding.UTF8.GetString(value) : string.Empty;

    /// <summary>The publishing connection, opened if it is not (fault tests watch its recovery).</summary>
    internal async Task<IConnection> ConnectionAsync() => (await OpenAsync().ConfigureAwait(false)).Connection;

    /// <summary>Where <paramref name="message"/> goes, and the exchange that must exist first (null for the default exchange).</summary>
    internal RabbitMqRoute RouteOf(in OutboundMessage message)
    {
        var naming = contracts.Value.Naming;
        if (message.Kind == MessageKind.Command)
        {
            return RabbitMqTopologyBuilder.RouteOf(new RabbitMqContract(message.MessageType, message.Destination, MessageKind.Command), naming);
        }

        var suffix = options.DeadLetterTopicSuffix;
        if (message.Destination.EndsWith(suffix, StringComparison.Ordinal)
            && contracts.Value.ConsumedOn(message.Destination[..^suffix.Length]) is { } handled)
        {
            // The core's dead letter of a record this service read: into the dead-letter queue of the queue it came from.
            return new RabbitMqRoute(DefaultExchange, naming.DeadLetterQueue(contracts.Value.QueueOf(handled)), Mandatory: true);
        }

        return RabbitMqTopologyBuilder.RouteOf(new RabbitMqContract(message.MessageType, message.Destination, MessageKind.Event), naming);
    }

    /// <summary>
    /// <see cref="RouteOf"/>, worked out once per destination, kind and type (the names depend on nothing else) rather
    /// than per message.
    /// </summary>
    private RabbitMqRoute CachedRouteOf(in OutboundMessage message)
    {
        var key = (message.Destination, message.Kind, message.MessageType);
        if (!routes.TryGetValue(key, out var route))
        {
            route = RouteOf(message);
            routes.TryAdd(key, route);
        }

        return route;
    }

    private async Task SendAsync(OutboundMessage message, IDeliveryObserver observer)
    {
        RabbitMqRoute route;
        BasicProperties properties;
        try
        {
            route = CachedRouteOf(message);
            properties = AmqpTransportHeaders.Properties(message, clock);
        }
        catch (Exception exception)
        {
            observer.OnFailed(new TransportSendFailure("Refused", exception.Message, MessagePersistence.NotWritten, exception));
            return;
        }

        try
        {
            // Bounded like the publish: a broker that is away for good fails the send, it does not hang it. Once the
            // connection is open and the exchange declared (every publish but the first few) there is nothing to wait for.
            var opening = OpenAsync();
            CancellationToken? deadline = null;
            var publisher = opening.IsCompletedSuccessfully
                ? opening.Result
                : await opening.WaitAsync(deadline ??= connectDeadlines.Next()).ConfigureAwait(false);
            if (route.Exchange.Length > 0)
            {
                var declared = DeclareExchangeAsync(publisher, route.Exchange);
                if (!declared.IsCompletedSuccessfully)
                {
                    await declared.WaitAsync(deadline ??= connectDeadlines.Next()).ConfigureAwait(false);
                }
            }

            // The publish itself, awaited here rather than through ConfirmedPublisher.PublishAsync: one state machine per
            // message instead of two, each alive until the broker's confirmation.
            var confirmed = publisher.Confirmed;
            try
            {
                await confirmed.StartAsync(route, properties, message.Body, confirmed.NextDeadline()).ConfigureAwait(false);
            }
            catch (Exception exception) when (confirmed.Failure(exception, route, message.MessageId, message.MessageType, CancellationToken.None) is { } failure)
            {
                throw failure;
            }
        }
        catch (RabbitMqPublishException failed)
        {
            Report(observer, Failure(failed));
            return;
        }
        catch (Exception exception)
        {
            // Not connected, or the exchange could not be declared, within the timeout: nothing was published.
            var timedOut = exception is OperationCanceledException;
            Report(observer, new TransportSendFailure(
                timedOut ? "NotConnected" : "Unavailable",
                timedOut ? $"No connection to RabbitMQ within {options.PublishTimeout.TotalSeconds:0.###} s" : exception.Message,
                MessagePersistence.NotWritten,
                exception,
                timedOut: timedOut));
            return;
        }

        try
        {
            observer.OnDelivered(new TransportDelivery(0, -1));
        }
        catch (Exception exception)
        {
            LogObserverFailed(exception, message.MessageId);
        }
    }

    private void Report(IDeliveryObserver observer, TransportSendFailure failure)
    {
        try
        {
            observer.OnFailed(failure);
        }
        catch (Exception exception)
        {
            LogObserverFailed(exception, failure.Reason);
        }
    }

    internal static TransportSendFailure Failure(RabbitMqPublishException exception) =>
        new(
            exception.Failure.ToString(),
            exception.Message,
            exception.Failure is RabbitMqPublishFailure.Nacked or RabbitMqPublishFailure.Returned ? MessagePersistence.NotWritten : MessagePersistence.PossiblyWritten,
            exception,
            timedOut: exception.Failure == RabbitMqPublishFailure.TimedOut);

    private Task DeclareExchangeAsync(Publisher publisher, string exchange)
    {
        if (!declaredExchanges.TryGetValue(exchange, out var declared))
        {
            // The lambdas capture the publisher: made only when the exchange is not declared yet, not on every publish.
            declared = declaredExchanges.GetOrAdd(exchange, name => new Lazy<Task>(() => DeclareAsync(publisher.Connection, name)));
        }

        if (declared.Value.IsFaulted)
        {
            // Try again with the next message rather than failing every later one.
            declaredExchanges.TryRemove(new KeyValuePair<string, Lazy<Task>>(exchange, declared));
        }

        return declared.Value;

        static async Task DeclareAsync(IConnection connection, string name)
        {
            // A channel of its own: a refused declare (an exchange of another type) closes the channel it was made on.
            await using var channel = await connection.CreateChannelAsync().ConfigureAwait(false);
            await channel.ExchangeDeclareAsync(name, ExchangeType.Fanout, durable: true, autoDelete: false).ConfigureAwait(false);
        }
    }

    private Task<Publisher> OpenAsync()
    {
        if (Volatile.Read(ref opening) is { IsCompletedSuccessfully: true } open)
        {
            return open;
        }

        lock (gate)
        {
            if (opening is null || opening.IsFaulted || opening.IsCanceled)
            {
                opening = ConnectAsync();
            }

            return opening;
        }
    }

    /// <summary>
    /// Opens the publishing connection within <see cref="MessageContractsOptions.PublishTimeout"/>: a broker that accepts
    /// the TCP connection but never answers the AMQP handshake (seen on a heavily loaded node) would otherwise hold every
    /// publish waiting for it forever. A late connection is closed; the next publish tries again.
    /// </summary>
    private async Task<Publisher> ConnectAsync()
    {
        using var deadline = new CancellationTokenSource(options.PublishTimeout);
        var connecting = RabbitMqConnections.ConnectAsync(uri, $"{options.ServiceName} publisher", settings.RecoveryInterval, deadline.Token);
        IConnection connection;
        try
        {
            connection = await connecting.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException exception) when (deadline.IsCancellationRequested)
        {
            _ = connecting.ContinueWith(late => late.Result.DisposeAsync().AsTask(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            throw new TimeoutException($"The broker at {uri.Host}:{uri.Port} did not complete the AMQP handshake within {options.PublishTimeout.TotalSeconds:0.###} s (the publish timeout).", exception);
        }

        try
        {
            PrioritiesCheck.Verify(settings, connection.ServerProperties);
            var confirmed = await ConfirmedPublisher.OpenAsync(connection, options.PublishTimeout, CancellationToken.None).ConfigureAwait(false);
            return new Publisher(connection, confirmed);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private sealed record Publisher(IConnection Connection, ConfirmedPublisher Confirmed);

    [LoggerMessage(Level = LogLevel.Error, Message = "The delivery observer of message {MessageId} threw")]
    private partial void LogObserverFailed(Exception exception, string messageId);
}
