namespace MessageContracts;

/// <summary>
/// The marks of a settled batch that wait for the next batch's claims, to share its store call (and with group commit
/// its commit): the handled IDs, the claims they were taken with (renewed until the mark is recorded), and whether the
/// mark has been recorded. The batch's offsets are stored only once <see cref="Marked"/> is true.
/// </summary>
internal sealed class DeferredMarks(List<string> messageIds, LeaseRenewal.HeldClaims held, EarlyMarks? early = null) : IDisposable
{
    /// <summary>The sets the IDs were handed to as they were handled, when the store takes marks early; then no mark goes with the next claims.</summary>
    public EarlyMarks? Early { get; } = early;

    /// <summary>The handled IDs to mark processed.</summary>
    public List<string> MessageIds { get; } = messageIds;

    /// <summary>The claims of the batch (their owner, and which were taken over).</summary>
    public LeaseRenewal.HeldClaims Held { get; } = held;

    /// <summary>Whether the mark is recorded (durable): only then may the batch's offsets be stored.</summary>
    public bool Marked { get; set; }

    /// <summary>Stops renewing the batch's claims.</summary>
    public void Dispose() => Held.Dispose();
}
