namespace MessageContracts;

/// <summary>
/// The consumer's partition count and since when it has had none, for the assignment health check. Written by the
/// consumer's poll thread (its rebalance callbacks), read by the checks.
/// </summary>
internal sealed class ConsumerAssignmentHealth(TimeProvider timeProvider)
{
    private readonly object gate = new();
    private int partitions;
    private DateTimeOffset? unassignedSince;
    private bool running;

    /// <summary>Whether the consumer runs (subscribed, not stopped).</summary>
    public bool Running
    {
        get { lock (gate) { return running; } }
    }

    /// <summary>The consumer subscribed: it has no partitions until the group assigns some.</summary>
    public void Subscribed() => Assigned(0, running: true);

    /// <summary>The consumer's assignment changed to <paramref name="count"/> partitions.</summary>
    public void Assigned(int count) => Assigned(count, running: true);

    /// <summary>The consumer left its group.</summary>
    public void Stopped() => Assigned(0, running: false);

    /// <summary>The partition count, and since when it has been zero (null while some are assigned or the consumer is stopped).</summary>
    public (int Partitions, DateTimeOffset? UnassignedSince) Snapshot()
    {
        lock (gate)
        {
            return (partitions, unassignedSince);
        }
    }

    private void Assigned(int count, bool running)
    {
        lock (gate)
        {
            this.running = running;
            partitions = count;
            if (count > 0 || !running)
            {
                unassignedSince = null;
            }
            else
            {
                unassignedSince ??= timeProvider.GetUtcNow();
            }
        }
    }
}
