namespace MessageContracts;

/// <summary>
/// The argument checks every <see cref="IDeduplicationStore"/> here makes, so they fail alike. Every argument of a
/// call is checked before any of it runs, so a bad ID leaves the store untouched.
/// </summary>
internal static class DeduplicationArguments
{
    public static void Validate(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerGroup);
        ArgumentNullException.ThrowIfNull(messageIds);
        for (var i = 0; i < messageIds.Count; i++)
        {
            ArgumentException.ThrowIfNullOrEmpty(messageIds[i], nameof(messageIds));
        }

        if (owner == Guid.Empty)
        {
            throw new ArgumentException("A claim's owner token must not be Guid.Empty: make one per claim call with Guid.NewGuid().", nameof(owner));
        }
    }

    public static void Validate(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease)
    {
        Validate(consumerGroup, messageIds, owner);
        if (lease <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lease), lease, "A claim's lease must be longer than zero.");
        }
    }
}
