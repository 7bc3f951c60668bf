namespace MessageContracts.RabbitMQ.Consuming;

/// <summary>
/// One life of a consumer's channel, from its start or a recovery to its shutdown: the delivery tags it handed out,
/// which only it can acknowledge, and the token that tells the work on its deliveries that they are void (the broker
/// returns them to the queue when the channel goes).
/// </summary>
internal sealed class ChannelIncarnation(CancellationToken stopping) : IDisposable
{
    private readonly CancellationTokenSource lost = CancellationTokenSource.CreateLinkedTokenSource(stopping);

    /// <summary>Cancelled when the channel shuts down (the connection went, or the consumer stops).</summary>
    public CancellationToken Lost => lost.Token;

    /// <summary>The acknowledgements of this incarnation's tags.</summary>
    public AckWindow Acks { get; } = new();

    /// <summary>Whether the channel went (not merely the consumer stopping): its tags are void, nothing is sent for them.</summary>
    public bool Gone { get; private set; }

    /// <summary>The channel went: its deliveries' work is cancelled, their tags void.</summary>
    public Task EndAsync()
    {
        Gone = true;
        return lost.CancelAsync();
    }

    public void Dispose() => lost.Dispose();
}
