namespace MessageContracts.Transports;

/// <summary>What a broker can do, as a transport reports it; the core and the docs use it to say which guarantees hold.</summary>
[Flags]
public enum TransportCapabilities
{
    /// <summary>None of the below.</summary>
    None = 0,

    /// <summary>Records with the same key are received in the order they were sent (Kafka: per partition).</summary>
    OrderedPerKey = 1,

    /// <summary>The broker can hold a message back until a given time (scheduled or delayed delivery).</summary>
    NativeDelay = 2,

    /// <summary>The broker delivers higher-priority messages first.</summary>
    Priorities = 4,

    /// <summary>An acknowledged message survives a broker restart (replicated or written to disk before the acknowledgement).</summary>
    Durable = 8,
}
