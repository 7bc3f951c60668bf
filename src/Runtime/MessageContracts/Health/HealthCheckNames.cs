namespace MessageContracts;

/// <summary>The names and tags of the health checks (docs/production.md lists them).</summary>
internal static class HealthCheckNames
{
    public const string Producer = "messagecontracts-kafka-producer";
    public const string Consumer = "messagecontracts-kafka-consumer";
    public const string Assignment = "messagecontracts-consumer-assignment";
    public const string DeduplicationStore = "messagecontracts-deduplication-store";
    public const string OutboxDatabase = "messagecontracts-outbox-database";
    public const string OutboxBacklog = "messagecontracts-outbox-backlog";
    public const string InboxDatabase = "messagecontracts-inbox-database";

    /// <summary>Liveness: restarting the process may help.</summary>
    public const string Live = "live";

    /// <summary>Readiness: the service cannot do its work now; stop sending it traffic.</summary>
    public const string Ready = "ready";
}
