namespace MessageContracts;

/// <summary>The argument checks every <see cref="IDeduplicationStore"/> here makes, so they fail alike.</summary>
internal static class DeduplicationArguments
{
    public static void Validate(string consumerGroup, string messageId)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerGroup);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
    }

    public static void ValidateLease(TimeSpan lease)
    {
        if (lease <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lease), lease, "A claim's lease must be longer than zero.");
        }
    }
}
