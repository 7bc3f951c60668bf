namespace MessageContracts.Redis;

/// <summary>Checks <see cref="RedisTransportOptions"/> when <c>UseRedis</c> is called, so a bad setting fails at start-up with its name.</summary>
internal static class RedisTransportOptionsValidation
{
    public static void Validate(RedisTransportOptions options)
    {
        var failures = new List<string>();
        if (options.KeyPrefix is null)
        {
            failures.Add("KeyPrefix is null: use an empty string for no prefix.");
        }

        if (string.IsNullOrEmpty(options.CommandGroup))
        {
            failures.Add("CommandGroup is empty: the owners of a command need a group name.");
        }

        if (options.DefaultRetention is null)
        {
            failures.Add("DefaultRetention is null: use RedisStreamRetention.None to keep every entry.");
        }

        if (options.ReadBatchSize < 1)
        {
            failures.Add($"ReadBatchSize is {options.ReadBatchSize}: it must be at least 1.");
        }

        if (options.MinPollDelay <= TimeSpan.Zero || options.MaxPollDelay < options.MinPollDelay)
        {
            failures.Add($"MinPollDelay ({options.MinPollDelay}) must be longer than zero and MaxPollDelay ({options.MaxPollDelay}) at least as long.");
        }

        if (options.ReclaimMinIdleTime <= TimeSpan.Zero || options.ReclaimInterval <= TimeSpan.Zero)
        {
            failures.Add($"ReclaimMinIdleTime ({options.ReclaimMinIdleTime}) and ReclaimInterval ({options.ReclaimInterval}) must be longer than zero.");
        }

        if (options.MaxDeliveries < 1)
        {
            failures.Add($"MaxDeliveries is {options.MaxDeliveries}: it must be at least 1.");
        }

        if (failures.Count > 0)
        {
            throw new ArgumentException("Invalid Redis transport options: " + string.Join(" ", failures), nameof(options));
        }
    }

    /// <summary>The checks that need the core's options too (made when the receiver starts).</summary>
    public static void Validate(RedisTransportOptions options, MessageContractsOptions core)
    {
        if (options.ReclaimMinIdleTime <= core.DeduplicationLease)
        {
            throw new InvalidOperationException(
                $"RedisTransportOptions.ReclaimMinIdleTime ({options.ReclaimMinIdleTime}) must exceed MessageContractsOptions.DeduplicationLease "
                + $"({core.DeduplicationLease}): an entry is taken over from a consumer presumed dead, whose claims must have run out by then.");
        }
    }
}
