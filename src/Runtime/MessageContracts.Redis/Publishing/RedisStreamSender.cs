using StackExchange.Redis;

namespace MessageContracts.Redis;

/// <summary>
/// The Redis transport's sending side: one <c>XADD</c> per message to its topic's stream, trimmed to the topic's
/// retention, then a <c>PUBLISH</c> on the stream's doorbell channel to wake idle consumers (<see cref="DoorbellRinger"/>:
/// at most one in flight per stream). Owns the service's connection (the receiver shares it), closed when the container
/// disposes the sender.
/// </summary>
internal sealed class RedisStreamSender : ITransportSender, IAsyncDisposable, IDisposable
{
    private readonly RedisTransportOptions options;
    private readonly RedisStreamNaming naming;
    private readonly TimeProvider timeProvider;
    private readonly OrderedReports reports = new();
    private readonly DoorbellRinger doorbells;

    public RedisStreamSender(IConnectionMultiplexer connection, RedisTransportOptions options, RedisStreamNaming naming, TimeProvider timeProvider)
    {
        Connection = connection;
        this.options = options;
        this.naming = naming;
        this.timeProvider = timeProvider;
        doorbells = new DoorbellRinger(connection, naming);
    }

    public IConnectionMultiplexer Connection { get; }

    private IDatabase Database => Connection.GetDatabase(options.Database);

    // A stream is created by its first XADD, and its groups by the receivers: nothing to prepare.
    public Task PrepareAsync(string destination, CancellationToken cancellationToken) => Task.CompletedTask;

    public void Send(in OutboundMessage message, IDeliveryObserver observer)
    {
        var destination = message.Destination;

        // The observer hears one destination's messages in the order Redis stored them (a failed one takes its place in
        // the publish failure log there). The XADDs are issued under the chain's lock, so the order they leave in (one
        // connection: the order Redis stores them) is the order of the reports.
        reports.Chain(
            destination,
            new Add(Database, naming.StreamKey(destination), StreamFields.ToEntry(message), Trimming(destination)),
            static add => add.Database.StreamAddAsync(add.Stream, add.Fields, add.Trimming),
            new Outcome(this, observer, destination),
            static (added, outcome) => outcome.Sender.Report(added, outcome.Observer, outcome.Destination),
            static (exception, outcome) => outcome.Observer.OnFailed(Failure(exception)));
    }

    private void Report(Task<RedisValue> task, IDeliveryObserver observer, string destination)
    {
        if (!task.IsCompletedSuccessfully)
        {
            observer.OnFailed(Failure(task.Exception?.GetBaseException() ?? new TaskCanceledException(task)));
            return;
        }

        observer.OnDelivered(new TransportDelivery(0, RedisStreamIds.ToPosition(task.Result)));
        doorbells.Ring(destination);
    }

    private StreamAddOptions Trimming(string destination)
    {
        var retention = options.RetentionFor(Topic(destination));
        if (retention.MaxLength is { } length)
        {
            return new StreamAddOptions { MaxLength = length, Approximate = true };
        }

        if (retention.MaxAge is { } age)
        {
            var oldest = (timeProvider.GetUtcNow() - age).ToUnixTimeMilliseconds();
            return new StreamAddOptions { MinId = RedisStreamIds.FromPosition(Math.Max(0, oldest) << 22), Approximate = true };
        }

        return default;
    }

    // A dead-letter stream keeps its topic's retention.
    private static string Topic(string destination)
    {
        var suffix = destination.LastIndexOf(RedisOptionsExtensions.DeadLetterSuffix, StringComparison.Ordinal);
        return suffix > 0 && suffix + RedisOptionsExtensions.DeadLetterSuffix.Length == destination.Length ? destination[..suffix] : destination;
    }

    internal static TransportSendFailure Failure(Exception exception) =>
        exception switch
        {
            // Sent, no answer: Redis may have stored it.
            RedisTimeoutException => new("Timeout", exception.Message, MessagePersistence.PossiblyWritten, exception, timedOut: true),
            // Refused by the server (out of memory, wrong type): nothing was written.
            RedisServerException => new("ServerError", exception.Message, MessagePersistence.NotWritten, exception),
            // The connection went: the command may or may not have reached the server.
            RedisConnectionException => new("ConnectionFailed", exception.Message, MessagePersistence.PossiblyWritten, exception),
            ObjectDisposedException => new("Disposed", exception.Message, MessagePersistence.NotWritten, exception),
            _ => new(exception.GetType().Name, exception.Message, MessagePersistence.PossiblyWritten, exception),
        };

    public ValueTask DisposeAsync() => Connection.DisposeAsync();

    public void Dispose() => Connection.Dispose();

    /// <summary>One publish's XADD, issued under the report chain's lock (no closure per publish).</summary>
    private readonly record struct Add(IDatabase Database, RedisKey Stream, NameValueEntry[] Fields, StreamAddOptions Trimming);

    /// <summary>What one publish's report needs: all a waiting report holds.</summary>
    private readonly record struct Outcome(RedisStreamSender Sender, IDeliveryObserver Observer, string Destination);
}
