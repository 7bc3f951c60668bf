namespace MessageContracts;

/// <summary>
/// The sets of pending marks (<see cref="PendingMarks"/>) a batch's handled IDs were handed to, one by one as each
/// record was handled (<see cref="DeduplicationGate.MarkSoon"/>), and how many IDs were handed over. The batch's offsets
/// still wait for <see cref="DeduplicationGate.MarkProcessedAsync"/>, which waits for these sets' transactions.
/// </summary>
/// <remarks>
/// It also bounds how far handling may run ahead of the writer (<see cref="WaitForRoomAsync"/>): what a crash repeats is
/// what was handled and not yet written, so a partition never has more than a few such records, whatever the writer's
/// pace (a slow commit, a WAL checkpoint, a starved pool thread).
/// </remarks>
internal sealed class EarlyMarks
{
    private readonly List<PendingMarks> sets = new(2);

    // How many of this batch's IDs each set holds (sets[i] holds counts[i]), and the first set not yet known written.
    private readonly List<int> counts = new(2);
    private int firstUnwritten;
    private int unwritten;

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
        unwritten++;
        if (sets.Count == 0 || !ReferenceEquals(sets[^1], marks))
        {
            sets.Add(marks);
            counts.Add(1);
        }
        else
        {
            counts[^1]++;
        }
    }

    /// <summary>
    /// Whether fewer than <paramref name="window"/> of the IDs handed over are still unwritten (their transactions not
    /// finished), so one more record may be handled without waiting.
    /// </summary>
    public bool HasRoom(int window)
    {
        Advance();
        return unwritten < window;
    }

    /// <summary>
    /// Waits until fewer than <paramref name="window"/> of the IDs handed over are unwritten: for the oldest sets'
    /// transactions to finish. A transaction that failed counts as finished here: its IDs are marked again, the ordinary
    /// way, before the batch's offsets move (<see cref="DeduplicationGate.MarkProcessedAsync"/>).
    /// </summary>
    public async Task WaitForRoomAsync(int window, CancellationToken cancellationToken)
    {
        while (!HasRoom(window))
        {
            try
            {
                await sets[firstUnwritten].WrittenAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Failed or the store closed: finished for the window; marked again with the batch.
            }
        }
    }

    /// <summary>Moves past the sets whose transactions have finished, in order.</summary>
    private void Advance()
    {
        while (firstUnwritten < sets.Count && sets[firstUnwritten].IsWritten)
        {
            unwritten -= counts[firstUnwritten];
            firstUnwritten++;
        }
    }
}
