namespace MessageContracts;

/// <summary>
/// The sets of pending marks (<see cref="PendingMarks"/>) a batch's handled IDs were handed to, one by one as each
/// record was handled (<see cref="DeduplicationGate.MarkSoon"/>), and how many IDs were handed over. The batch's offsets
/// still wait for <see cref="DeduplicationGate.MarkProcessedAsync"/>, which waits for these sets' transactions.
/// </summary>
internal sealed class EarlyMarks
{
    private readonly List<PendingMarks> sets = new(2);

    /// <summary>The distinct sets, in the order the IDs joined them.</summary>
    public IReadOnlyList<PendingMarks> Sets => sets;

    /// <summary>How many handled IDs were handed over.</summary>
    public int Count { get; private set; }

    /// <summary>Notes that an ID joined <paramref name="marks"/> (null: it was not handed over, and is marked with the batch).</summary>
    public void Add(PendingMarks? marks)
    {
        if (marks is null)
        {
            return;
        }

        Count++;
        if (sets.Count == 0 || !ReferenceEquals(sets[^1], marks))
        {
            sets.Add(marks);
        }
    }
}
