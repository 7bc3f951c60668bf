using System.Diagnostics;

namespace MessageContracts;

/// <summary>The envelope of a received record, read from its Kafka headers.</summary>
internal readonly record struct InboundEnvelope(
    string MessageId,
    string MessageType,
    string? Source,
    DateTimeOffset? Time,
    ActivityContext TraceContext);
