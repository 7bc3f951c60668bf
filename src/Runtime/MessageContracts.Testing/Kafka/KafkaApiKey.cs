namespace MessageContracts.Testing;

/// <summary>
/// Kafka protocol request types (the wire protocol's API keys), used to say which requests an injected
/// error applies to. The numeric values are Kafka's own; the mock cluster answers only some of them
/// (produce, fetch, metadata, offsets, consumer groups, idempotence and transactions).
/// </summary>
public enum KafkaApiKey : short
{
    /// <summary>Produce (0): a producer appends record batches.</summary>
    Produce = 0,

    /// <summary>Fetch (1): a consumer reads record batches.</summary>
    Fetch = 1,

    /// <summary>ListOffsets (2): a client looks up offsets by time (earliest, latest, timestamp).</summary>
    ListOffsets = 2,

    /// <summary>Metadata (3): a client learns brokers, topics, partitions and leaders.</summary>
    Metadata = 3,

    /// <summary>OffsetCommit (8): a consumer group member commits offsets.</summary>
    OffsetCommit = 8,

    /// <summary>OffsetFetch (9): a consumer group member reads committed offsets.</summary>
    OffsetFetch = 9,

    /// <summary>FindCoordinator (10): a client finds the group or transaction coordinator.</summary>
    FindCoordinator = 10,

    /// <summary>JoinGroup (11): a classic-protocol consumer joins its group.</summary>
    JoinGroup = 11,

    /// <summary>Heartbeat (12): a classic-protocol consumer keeps its group membership alive.</summary>
    Heartbeat = 12,

    /// <summary>LeaveGroup (13): a classic-protocol consumer leaves its group.</summary>
    LeaveGroup = 13,

    /// <summary>SyncGroup (14): a classic-protocol consumer receives its assignment.</summary>
    SyncGroup = 14,

    /// <summary>DescribeGroups (15): an admin client describes consumer groups.</summary>
    DescribeGroups = 15,

    /// <summary>ListGroups (16): an admin client lists consumer groups.</summary>
    ListGroups = 16,

    /// <summary>ApiVersions (18): a client negotiates protocol versions right after connecting.</summary>
    ApiVersions = 18,

    /// <summary>CreateTopics (19): an admin client creates topics (not implemented by the mock cluster).</summary>
    CreateTopics = 19,

    /// <summary>DeleteTopics (20): an admin client deletes topics.</summary>
    DeleteTopics = 20,

    /// <summary>DeleteRecords (21): an admin client deletes records before an offset.</summary>
    DeleteRecords = 21,

    /// <summary>InitProducerId (22): an idempotent or transactional producer obtains its producer id.</summary>
    InitProducerId = 22,

    /// <summary>OffsetForLeaderEpoch (23): a consumer validates its position after a leader change.</summary>
    OffsetForLeaderEpoch = 23,

    /// <summary>AddPartitionsToTxn (24): a transactional producer adds partitions to its transaction.</summary>
    AddPartitionsToTxn = 24,

    /// <summary>AddOffsetsToTxn (25): a transactional producer adds a group's offsets to its transaction.</summary>
    AddOffsetsToTxn = 25,

    /// <summary>EndTxn (26): a transactional producer commits or aborts its transaction.</summary>
    EndTxn = 26,

    /// <summary>TxnOffsetCommit (28): a transactional producer commits consumer offsets in its transaction.</summary>
    TxnOffsetCommit = 28,

    /// <summary>DescribeConfigs (32): an admin client reads broker or topic configuration.</summary>
    DescribeConfigs = 32,

    /// <summary>CreatePartitions (37): an admin client adds partitions to a topic.</summary>
    CreatePartitions = 37,

    /// <summary>DeleteGroups (42): an admin client deletes consumer groups.</summary>
    DeleteGroups = 42,

    /// <summary>OffsetDelete (47): an admin client deletes a group's committed offsets.</summary>
    OffsetDelete = 47,

    /// <summary>DescribeCluster (60): an admin client describes the cluster.</summary>
    DescribeCluster = 60,

    /// <summary>ConsumerGroupHeartbeat (68): a consumer on the KIP-848 group protocol heartbeats and receives its assignment.</summary>
    ConsumerGroupHeartbeat = 68,

    /// <summary>ConsumerGroupDescribe (69): an admin client describes a KIP-848 consumer group.</summary>
    ConsumerGroupDescribe = 69,

    /// <summary>GetTelemetrySubscriptions (71): a client asks which metrics to push (KIP-714).</summary>
    GetTelemetrySubscriptions = 71,

    /// <summary>PushTelemetry (72): a client pushes metrics (KIP-714).</summary>
    PushTelemetry = 72,
}
