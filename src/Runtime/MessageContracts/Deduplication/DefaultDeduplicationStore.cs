namespace MessageContracts;

/// <summary>The store used when <see cref="MessageContractsOptions.DeduplicationStore"/> is not set: a SQLite file per consumer group.</summary>
internal static class DefaultDeduplicationStore
{
    public static IDeduplicationStore Create(MessageContractsOptions options, TimeProvider timeProvider) =>
        new SqliteDeduplicationStore($"Data Source={SqliteDeduplicationStore.DefaultPath(options.ConsumerGroup)}", timeProvider);
}
