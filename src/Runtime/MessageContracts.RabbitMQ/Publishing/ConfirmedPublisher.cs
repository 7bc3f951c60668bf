using MessageContracts.RabbitMQ.Topology;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
// The client's: the core package has a MessageContracts.PublishException of its own, which the bare name would find first.
using AmqpPublishException = RabbitMQ.Client.Exceptions.PublishException;

namespace MessageContracts.RabbitMQ.Publishing;

/// <summary>
/// Publishes persistent messages on one channel with publisher confirmations and their tracking (RabbitMQ.Client 7):
/// <see cref="PublishAsync(OutgoingRabbitMessage, CancellationToken)"/> completes when the broker has stored the message (basic.ack), and throws
/// <see cref="RabbitMqPublishException"/>, carrying the message ID, on a nack, on a return of a mandatory message, when
/// the channel or connection closes first, and when no confirmation came within the timeout. The timeout bounds every
/// publish whatever the connection does, so a publish never hangs, also not across a connection recovery.
/// </summary>
/// <remarks>
/// The channel is shared: the client serialises the publishes on it and matches each confirmation to its publish. A
/// connection recovery re-opens the channel by itself (with confirmations on). A channel the broker closed for an
/// error of its own (a publish to an exchange that does not exist) is not recovered by the client; the next publish
/// opens a new one.
/// </remarks>
internal sealed class ConfirmedPublisher : IAsyncDisposable
{
    private static readonly CreateChannelOptions ConfirmingChannel =
        new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);

    private readonly IConnection connection;
    private readonly TimeSpan timeout;
    private readonly PublishDeadlines deadlines;
    private readonly SemaphoreSlim reopening = new(1, 1);
    private IChannel channel;

    private ConfirmedPublisher(IConnection connection, IChannel channel, TimeSpan timeout)
    {
        this.connection = connection;
        this.channel = channel;
        this.timeout = timeout;
        deadlines = new PublishDeadlines(timeout);
    }

    /// <param name="connection">A recovering connection (<see cref="Connections.RabbitMqConnections"/>).</param>
    /// <param name="timeout">How long one publish may wait for the broker's confirmation.</param>
    /// <param name="cancellationToken">Cancels opening the channel.</param>
    public static async Task<ConfirmedPublisher> OpenAsync(IConnection connection, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var channel = await connection.CreateChannelAsync(ConfirmingChannel, cancellationToken).ConfigureAwait(false);
        return new ConfirmedPublisher(connection, channel, timeout);
    }

    public Task PublishAsync(OutgoingRabbitMessage message, CancellationToken cancellationToken) =>
        PublishAsync(message.Route, AmqpEnvelope.Properties(message), message.Body, message.MessageId, message.MessageType, cancellationToken);

    /// <summary>
    /// Publishes <paramref name="body"/> with <paramref name="properties"/> as given (the transport seam's path, whose
    /// headers are built above it); <paramref name="messageId"/> and <paramref name="messageType"/> are for the errors.
    /// </summary>
    public async Task PublishAsync(RabbitMqRoute route, BasicProperties properties, ReadOnlyMemory<byte> body, string messageId, string messageType, CancellationToken cancellationToken)
    {
        // A caller's token (a retry's) is joined to the deadline; the usual publish has none and needs no source of its own.
        var deadline = NextDeadline();
        using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline) : null;
        try
        {
            await StartAsync(route, properties, body, linked?.Token ?? deadline).ConfigureAwait(false);
        }
        catch (Exception exception) when (Failure(exception, route, messageId, messageType, cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>
    /// The deadline of a publish that starts now: shared with the publishes that start about now
    /// (<see cref="PublishDeadlines"/>), cancelled no sooner than the timeout from now.
    /// </summary>
    public CancellationToken NextDeadline() => deadlines.Next();

    /// <summary>
    /// Publishes, bounded by <paramref name="deadline"/>, and completes when the broker confirmed; fails with the client's
    /// exception, which <see cref="Failure"/> translates. For a caller that awaits the publish itself (the transport
    /// sender): a publish then costs one state machine, not one here as well.
    /// </summary>
    public Task StartAsync(RabbitMqRoute route, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken deadline)
    {
        var current = CurrentChannelAsync(deadline);
        return current.IsCompletedSuccessfully
            ? Publish(current.Result, route, properties, body, deadline)
            : PublishWhenReopenedAsync(current, route, properties, body, deadline);
    }

    /// <summary>
    /// The <see cref="RabbitMqPublishException"/> that a publish's <paramref name="exception"/> means (a nack, a return,
    /// the timeout, the channel closing), or null when it is none of these.
    /// </summary>
    /// <param name="exception">What the publish threw.</param>
    /// <param name="route">Where it went, for the message.</param>
    /// <param name="messageId">The message's ID, for the caller's failure policy.</param>
    /// <param name="messageType">The message's type, for the message.</param>
    /// <param name="cancellationToken">The caller's token: a cancellation that is not the caller's is the timeout.</param>
    public RabbitMqPublishException? Failure(Exception exception, RabbitMqRoute route, string messageId, string messageType, CancellationToken cancellationToken) =>
        exception switch
        {
            PublishReturnException returned => new RabbitMqPublishException(messageId, RabbitMqPublishFailure.Returned,
                $"No queue received the {messageType} published to exchange '{Shown(route.Exchange)}' with routing key '{route.RoutingKey}' "
                + $"(returned: {returned.ReplyCode} {returned.ReplyText}); for a command, its owner has not declared queue '{route.RoutingKey}'",
                returned),
            AmqpPublishException nacked => new RabbitMqPublishException(messageId, RabbitMqPublishFailure.Nacked,
                $"The broker refused (nacked) the {messageType} published to exchange '{Shown(route.Exchange)}'", nacked),
            OperationCanceledException cancelled when !cancellationToken.IsCancellationRequested => new RabbitMqPublishException(messageId, RabbitMqPublishFailure.TimedOut,
                $"The broker did not confirm the {messageType} within {timeout.TotalSeconds:0.###} s; it may or may not be stored",
                new TimeoutException(cancelled.Message, cancelled)),
            AlreadyClosedException or OperationInterruptedException => new RabbitMqPublishException(messageId, RabbitMqPublishFailure.ConnectionLost,
                $"The channel closed before the broker confirmed the {messageType} ({exception.Message}); it may or may not be stored", exception),
            _ => null,
        };

    private static Task Publish(IChannel target, RabbitMqRoute route, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken deadline)
    {
        ValueTask publishing;
        try
        {
            publishing = target.BasicPublishAsync(route.Exchange, route.RoutingKey, route.Mandatory, properties, body, deadline);
        }
        catch (Exception exception)
        {
            return Task.FromException(exception);
        }

        if (publishing.IsCompletedSuccessfully)
        {
            publishing.GetAwaiter().GetResult();
            return Task.CompletedTask;
        }

        // WaitAsync: the deadline holds even if the client's own wait for the confirmation ignored the token.
        return publishing.AsTask().WaitAsync(deadline);
    }

    private static async Task PublishWhenReopenedAsync(ValueTask<IChannel> reopening, RabbitMqRoute route, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken deadline)
    {
        var target = await reopening.ConfigureAwait(false);
        await Publish(target, route, properties, body, deadline).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await channel.DisposeAsync().ConfigureAwait(false);
        reopening.Dispose();
    }

    private static string Shown(string exchange) => exchange.Length == 0 ? "(default)" : exchange;

    /// <summary>
    /// The channel, re-opened when the broker closed it for a channel error while the connection stays open. A channel
    /// closed because the connection went is left to the connection's recovery.
    /// </summary>
    private async ValueTask<IChannel> CurrentChannelAsync(CancellationToken cancellationToken)
    {
        var current = channel;
        if (!current.IsClosed || !connection.IsOpen || current.CloseReason?.Initiator != ShutdownInitiator.Peer)
        {
            return current;
        }

        await reopening.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (ReferenceEquals(channel, current))
            {
                channel = await connection.CreateChannelAsync(ConfirmingChannel, cancellationToken).ConfigureAwait(false);
                await current.DisposeAsync().ConfigureAwait(false);
            }

            return channel;
        }
        finally
        {
            reopening.Release();
        }
    }
}
