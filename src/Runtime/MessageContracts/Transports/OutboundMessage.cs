namespace MessageContracts.Transports;

/// <summary>
/// One message to send, as the core hands it to a transport: where to, what it is, and its bytes. The headers hold the
/// whole CloudEvents envelope (<c>ce_id</c>, <c>ce_type</c>, ...); <see cref="MessageId"/> and
/// <see cref="MessageType"/> repeat two of them for a transport that maps them onto native properties.
/// </summary>
/// <remarks>A struct, so a publish allocates nothing for it; a transport copies what it needs to keep.</remarks>
public readonly struct OutboundMessage
{
    /// <summary>Creates the message.</summary>
    /// <param name="destination">The topic name (the transport maps it to its exchange, queue or stream).</param>
    /// <param name="kind">Event (fan-out to every subscribing service) or command (one owner).</param>
    /// <param name="messageId">The message ID, also in the <c>ce_id</c> header: the consumers' deduplication key.</param>
    /// <param name="messageType">The contract's type name, also in the <c>ce_type</c> header.</param>
    /// <param name="key">The ordering key (UTF-8), or null.</param>
    /// <param name="body">The body.</param>
    /// <param name="headers">Every header to send, in order.</param>
    public OutboundMessage(string destination, MessageKind kind, string messageId, string messageType, byte[]? key, byte[] body, TransportHeaders headers)
        : this(destination, kind, messageId, messageType, key, body, headers, Delivery.AtLeastOnce)
    {
    }

    /// <summary>Creates the message of a contract that may accept loss.</summary>
    /// <param name="destination">The topic name (the transport maps it to its exchange, queue, stream or channel).</param>
    /// <param name="kind">Event (fan-out to every subscribing service) or command (one owner).</param>
    /// <param name="messageId">The message ID, also in the <c>ce_id</c> header: the consumers' deduplication key.</param>
    /// <param name="messageType">The contract's type name, also in the <c>ce_type</c> header.</param>
    /// <param name="key">The ordering key (UTF-8), or null.</param>
    /// <param name="body">The body.</param>
    /// <param name="headers">Every header to send, in order.</param>
    /// <param name="delivery">What the contract asks of the transport (<see cref="Delivery"/>).</param>
    public OutboundMessage(string destination, MessageKind kind, string messageId, string messageType, byte[]? key, byte[] body, TransportHeaders headers, Delivery delivery)
    {
        Delivery = delivery;
        Destination = destination;
        Kind = kind;
        MessageId = messageId;
        MessageType = messageType;
        Key = key;
        Body = body;
        Headers = headers;
    }

    /// <summary>The topic name (the transport maps it to its exchange, queue or stream).</summary>
    public string Destination { get; }

    /// <summary>Event (fan-out to every subscribing service) or command (one owner).</summary>
    public MessageKind Kind { get; }

    /// <summary>The message ID, also in the <c>ce_id</c> header.</summary>
    public string MessageId { get; }

    /// <summary>The contract's type name, also in the <c>ce_type</c> header.</summary>
    public string MessageType { get; }

    /// <summary>The ordering key (UTF-8), or null.</summary>
    public byte[]? Key { get; }

    /// <summary>The body.</summary>
    public byte[] Body { get; }

    /// <summary>Every header to send, in order.</summary>
    public TransportHeaders Headers { get; }

    /// <summary>
    /// What the contract asks of the transport: <see cref="MessageContracts.Delivery.AtLeastOnce"/> (the default, also for
    /// dead letters) or <see cref="MessageContracts.Delivery.AtMostOnce"/>, which a transport with a lossy channel (Redis
    /// pub/sub) may send there; a transport without one sends it like any other message.
    /// </summary>
    public Delivery Delivery { get; }
}
