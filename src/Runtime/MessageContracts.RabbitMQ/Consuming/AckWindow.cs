namespace MessageContracts.RabbitMQ.Consuming;

/// <summary>
/// The acknowledgements of one channel incarnation (delivery tags start afresh on a recovered channel). It knows which
/// deliveries are still unsettled, so that settled ones are acknowledged with as few frames as is safe: everything
/// below the lowest unsettled tag with one <c>multiple</c> ack, the settled ones above it one by one (never held back
/// behind a slow delivery, which would fill the prefetch window and stall the queue).
/// </summary>
/// <remarks>
/// A <c>multiple</c> ack of tag T acknowledges every unacknowledged delivery up to T, so it is only sent when no
/// delivery at or below T is unsettled. Acks are planned and sent in one critical section: an ack planned later
/// (a <c>multiple</c> one covering a tag) never overtakes one planned earlier (the same tag alone), which the broker
/// would refuse as an unknown tag and close the channel for.
/// </remarks>
internal sealed class AckWindow
{
    private readonly SortedSet<ulong> unsettled = [];
    private readonly object sync = new();

    /// <summary>Serializes planning and sending (see remarks).</summary>
    public SemaphoreSlim Sending { get; } = new(1, 1);

    /// <summary>A delivery arrived; called in delivery order, before anyone can settle it.</summary>
    public void Received(ulong tag)
    {
        lock (sync)
        {
            unsettled.Add(tag);
        }
    }

    /// <summary>How many deliveries are received and not settled yet.</summary>
    public int Unsettled
    {
        get
        {
            lock (sync)
            {
                return unsettled.Count;
            }
        }
    }

    /// <summary>
    /// Marks <paramref name="tags"/> (ascending) settled and returns the acks to send, in order: at most one
    /// <c>multiple</c> ack for those below the lowest tag still unsettled, then the others one by one.
    /// </summary>
    public List<(ulong Tag, bool Multiple)> Settle(IReadOnlyList<ulong> tags)
    {
        var acks = new List<(ulong Tag, bool Multiple)>(1);
        lock (sync)
        {
            foreach (var tag in tags)
            {
                unsettled.Remove(tag);
            }

            var floor = unsettled.Count == 0 ? ulong.MaxValue : unsettled.Min;
            var below = 0;
            foreach (var tag in tags)
            {
                if (tag < floor)
                {
                    below++;
                }
                else
                {
                    acks.Add((tag, false));
                }
            }

            if (below > 0)
            {
                // Every delivery up to the highest of them is settled (acknowledged before, or now): one frame for all.
                acks.Insert(0, (tags[below - 1], below > 1));
            }
        }

        return acks;
    }

    /// <summary>Marks <paramref name="tags"/> as returned to the queue (nack with requeue): no longer unsettled.</summary>
    public void Returned(IReadOnlyList<ulong> tags)
    {
        lock (sync)
        {
            foreach (var tag in tags)
            {
                unsettled.Remove(tag);
            }
        }
    }
}
