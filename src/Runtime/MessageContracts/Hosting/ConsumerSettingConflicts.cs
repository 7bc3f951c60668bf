namespace MessageContracts;

/// <summary>
/// The user's consumer settings (<see cref="MessageContractsOptions.ConsumerSettings"/> and the
/// <see cref="MessageContractsOptions.ConfigureConsumer"/> hooks) that would break what the consumer guarantees, each as
/// an error that says what to change.
/// </summary>
/// <remarks>
/// The consumer stores a record's offset by hand once the record's outcome is final (handled, dead-lettered or a
/// duplicate), and librdkafka's auto-commit commits only stored offsets: that ordering is what makes a crash redeliver
/// instead of lose. The deduplication store and the inbox key on <see cref="MessageContractsOptions.ConsumerGroup"/>, which
/// must therefore be the Kafka group too.
/// </remarks>
internal static class ConsumerSettingConflicts
{
    public const string AutoOffsetStoreKey = "enable.auto.offset.store";
    public const string GroupIdKey = "group.id";

    public static IEnumerable<string> FindConflicts(MessageContractsOptions options)
    {
        var settings = options.UserConsumerSettings();
        if (settings.TryGetValue(AutoOffsetStoreKey, out var autoStore) && !IsFalse(autoStore))
        {
            yield return $"{settings.Describe(AutoOffsetStoreKey)} is '{autoStore}': librdkafka would store, and then commit, the offset of every record it hands out, before its handlers ran, so a crash would lose records. The toolkit stores each offset once the record's outcome is final; remove the setting.";
        }

        if (settings.TryGetValue(GroupIdKey, out var groupId) && groupId != options.ConsumerGroup)
        {
            yield return $"{settings.Describe(GroupIdKey)} is '{groupId}', not MessageContractsOptions.ConsumerGroup ('{options.ConsumerGroup}'): the deduplication store and the inbox key on ConsumerGroup, so two services could drop each other's messages as duplicates. Remove the setting and set ConsumerGroup instead.";
        }
    }

    private static bool IsFalse(string value) =>
        string.Equals(value, "false", StringComparison.OrdinalIgnoreCase) || value == "0";
}
