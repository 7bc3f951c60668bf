using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace MessageContracts.Tests.Deduplication;

/// <summary>
/// The consumer's group-commit writer (<see cref="BatchingDeduplicationStore"/>): requests that wait while a group commits
/// go together into the next group, each keeps the answer of its own call, and a failure stays with the requests it
/// concerns. No Kafka: the in-memory store behind a gate, and a SQLite file.
/// </summary>
public sealed class BatchingDeduplicationStoreTests : IAsyncLifetime
{
    private const string Group = "orders";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly string folder = Directory.CreateTempSubdirectory("mc-batching-").FullName;
    private readonly List<IAsyncDisposable> stores = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void A_store_that_cannot_take_groups_is_used_as_it_is()
    {
        var store = new InMemoryDeduplicationStore(time);

        Assert.Same(store, BatchingDeduplicationStore.For(store));
    }

    [Fact]
    public async Task Requests_that_wait_while_a_group_commits_share_the_next_group_and_each_gets_its_own_answer()
    {
        var inner = new GatedGroupStore(time);
        var store = Batching(inner);
        inner.Close();
        var first = store.TryClaimAsync(Group, ["m0"], Guid.NewGuid(), Lease, default);
        await inner.GroupWaiting.Task;

        // Five workers' requests arrive while the first group is held: claims, a mark of m0, a renewal.
        var owners = Enumerable.Range(1, 3).Select(_ => Guid.NewGuid()).ToArray();
        var claims = owners.Select((owner, i) => store.TryClaimAsync(Group, [$"m{i + 1}", "shared"], owner, Lease, default)).ToArray();
        var markOfAnother = store.MarkProcessedAsync(Group, ["m0"], Guid.NewGuid(), default);
        var renewal = store.RenewAsync(Group, ["m1"], owners[0], Lease, default);
        inner.Open();

        Assert.Equal([DeduplicationClaim.Claimed], await first);
        Assert.Equal([DeduplicationClaim.Claimed, DeduplicationClaim.Claimed], await claims[0]);
        Assert.Equal([DeduplicationClaim.Claimed, DeduplicationClaim.ClaimedElsewhere], await claims[1]);
        Assert.Equal([DeduplicationClaim.Claimed, DeduplicationClaim.ClaimedElsewhere], await claims[2]);
        Assert.Equal([false], await markOfAnother);
        Assert.Equal([true], await renewal);
        Assert.Equal([1, 5], inner.Groups);
    }

    [Fact]
    public async Task A_mark_and_a_claim_submitted_together_share_one_group_and_the_claim_sees_the_mark()
    {
        var inner = new GatedGroupStore(time);
        var store = (BatchingDeduplicationStore)Batching(inner);
        var previousOwner = Guid.NewGuid();
        Assert.Equal([DeduplicationClaim.Claimed], await store.TryClaimAsync(Group, ["m0"], previousOwner, Lease, default));

        // One batch's mark of m0 with the next batch's claims, m0 (delivered again) among them.
        var mark = DeduplicationRequest.MarkProcessed(Group, ["m0"], previousOwner, default);
        var claim = DeduplicationRequest.Claim(Group, ["m0", "m1"], Guid.NewGuid(), Lease, default);
        await store.SubmitTogetherAsync(mark, claim);

        Assert.True(mark.Completion.Task.IsCompletedSuccessfully);
        Assert.True(claim.Completion.Task.IsCompletedSuccessfully);
        Assert.Equal([true], mark.Answers);
        Assert.Equal([DeduplicationClaim.AlreadyProcessed, DeduplicationClaim.Claimed], claim.Claims);
        Assert.Equal([1, 2], inner.Groups);
    }

    [Fact]
    public async Task Marks_handed_over_one_by_one_are_written_by_the_writer_on_its_own_in_its_next_transaction()
    {
        var inner = new GatedGroupStore(time);
        var store = (BatchingDeduplicationStore)Batching(inner);
        var owner = Guid.NewGuid();
        Assert.Equal(
            [DeduplicationClaim.Claimed, DeduplicationClaim.Claimed, DeduplicationClaim.Claimed],
            await store.TryClaimAsync(Group, ["m0", "m1", "m2"], owner, Lease, default));

        // No call waits for these: the writer starts on its own, and the first ID goes in a transaction of its own.
        inner.Close();
        var first = store.MarkSoon(Group, owner, "m0")!;
        await inner.GroupWaiting.Task;

        // Handled while that transaction is held: both join one set, taken whole by the next transaction.
        var second = store.MarkSoon(Group, owner, "m1")!;
        Assert.Same(second, store.MarkSoon(Group, owner, "m2"));
        inner.Open();

        var firstWritten = await first.WrittenAsync();
        var secondWritten = await second.WrittenAsync();
        Assert.Equal([true], firstWritten.Answers);
        Assert.Equal([true, true], secondWritten.Answers);
        Assert.Equal([1, 1, 1], inner.Groups);
        Assert.Equal(
            [DeduplicationClaim.AlreadyProcessed, DeduplicationClaim.AlreadyProcessed, DeduplicationClaim.AlreadyProcessed],
            await store.TryClaimAsync(Group, ["m0", "m1", "m2"], Guid.NewGuid(), Lease, default));
    }

    [Fact]
    public async Task Marks_handed_over_go_first_in_the_transaction_so_a_claim_waiting_with_them_sees_them_processed()
    {
        var inner = new GatedGroupStore(time);
        var store = (BatchingDeduplicationStore)Batching(inner);
        var owner = Guid.NewGuid();
        Assert.Equal([DeduplicationClaim.Claimed], await store.TryClaimAsync(Group, ["m0"], owner, Lease, default));
        inner.Close();
        var holding = store.TryClaimAsync(Group, ["other"], Guid.NewGuid(), Lease, default);
        await inner.GroupWaiting.Task;

        // The next batch's claim of m0 (delivered again) is queued before m0's mark is handed over.
        var claim = store.TryClaimAsync(Group, ["m0"], Guid.NewGuid(), Lease, default);
        var marks = store.MarkSoon(Group, owner, "m0")!;
        inner.Open();

        await holding;
        Assert.Equal([DeduplicationClaim.AlreadyProcessed], await claim);
        var written = await marks.WrittenAsync();
        Assert.Equal([true], written.Answers);
        Assert.Equal([1, 1, 2], inner.Groups);
    }

    [Fact]
    public async Task A_group_that_fails_fails_each_of_its_requests_and_the_next_group_is_applied()
    {
        var inner = new GatedGroupStore(time);
        var store = Batching(inner);
        inner.Close();
        var held = store.TryClaimAsync(Group, ["m0"], Guid.NewGuid(), Lease, default);
        await inner.GroupWaiting.Task;
        inner.FailNextGroup = new InvalidOperationException("the store is down");
        inner.Open();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => held);
        Assert.Equal("the store is down", failure.Message);
        Assert.Equal([DeduplicationClaim.Claimed], await store.TryClaimAsync(Group, ["m0"], Guid.NewGuid(), Lease, default));
    }

    [Fact]
    public async Task A_request_cancelled_before_its_group_starts_is_left_out_of_it()
    {
        var inner = new GatedGroupStore(time);
        var store = Batching(inner);
        inner.Close();
        var held = store.TryClaimAsync(Group, ["m0"], Guid.NewGuid(), Lease, default);
        await inner.GroupWaiting.Task;
        using var cancel = new CancellationTokenSource();
        var cancelled = store.TryClaimAsync(Group, ["m1"], Guid.NewGuid(), Lease, cancel.Token);
        var kept = store.TryClaimAsync(Group, ["m2"], Guid.NewGuid(), Lease, default);
        await cancel.CancelAsync();
        inner.Open();

        await held;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal([DeduplicationClaim.Claimed], await kept);
        Assert.Equal([1, 1], inner.Groups);
        Assert.Equal([DeduplicationClaim.Claimed], await inner.Store.TryClaimAsync(Group, ["m1"], Guid.NewGuid(), Lease, default));
    }

    [Fact]
    public async Task A_group_holds_at_most_the_id_limit_and_a_larger_request_goes_alone()
    {
        var inner = new GatedGroupStore(time);
        var store = Batching(inner);
        inner.Close();
        var held = store.TryClaimAsync(Group, ["m0"], Guid.NewGuid(), Lease, default);
        await inner.GroupWaiting.Task;
        var half = BatchingDeduplicationStore.MaxIdsPerGroup / 2;
        var requests = new[]
        {
            store.TryClaimAsync(Group, Ids("a", half), Guid.NewGuid(), Lease, default),
            store.TryClaimAsync(Group, Ids("b", half), Guid.NewGuid(), Lease, default),
            store.TryClaimAsync(Group, Ids("c", BatchingDeduplicationStore.MaxIdsPerGroup + 1), Guid.NewGuid(), Lease, default),
            store.TryClaimAsync(Group, Ids("d", 1), Guid.NewGuid(), Lease, default),
        };
        inner.Open();

        await held;
        foreach (var request in requests)
        {
            Assert.All(await request, answer => Assert.Equal(DeduplicationClaim.Claimed, answer));
        }

        Assert.Equal([1, 2, 1, 1], inner.Groups);
    }

    [Fact]
    public async Task Closing_finishes_the_requests_submitted_and_refuses_later_ones()
    {
        var inner = new GatedGroupStore(time);
        var store = new OwnedBatching(BatchingDeduplicationStore.For(inner));
        inner.Close();
        var held = store.Store.TryClaimAsync(Group, ["m0"], Guid.NewGuid(), Lease, default);
        await inner.GroupWaiting.Task;
        var waiting = store.Store.MarkProcessedAsync(Group, ["m0"], Guid.NewGuid(), default);
        var closing = store.DisposeAsync().AsTask();
        inner.Open();
        await closing;

        Assert.Equal([DeduplicationClaim.Claimed], await held);
        Assert.Equal([false], await waiting);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.Store.TryClaimAsync(Group, ["m1"], Guid.NewGuid(), Lease, default));
    }

    [Fact]
    public async Task Sqlite_a_refused_id_fails_only_its_own_request_and_none_of_its_ids_is_claimed()
    {
        var path = Path.Combine(folder, "dedup.db");
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync();
            await using var create = connection.CreateCommand();
            create.CommandText = $"""
                CREATE TABLE {SqliteDeduplicationStore.TableName} (consumer_group TEXT NOT NULL, message_id TEXT NOT NULL,
                    state TEXT NOT NULL, lease_expires_at INTEGER NULL, processed_at INTEGER NULL, owner BLOB NULL,
                    PRIMARY KEY (consumer_group, message_id), CHECK (length(message_id) <= 40)) WITHOUT ROWID;
                """;
            await create.ExecuteNonQueryAsync();
        }

        var sqlite = new SqliteDeduplicationStore($"Data Source={path}", time);
        var store = Batching(sqlite);
        var tooLong = new string('x', 41);

        // Submitted together, so they are likely to share a group; the answers must not depend on it.
        var refused = store.TryClaimAsync(Group, ["ok-1", tooLong], Guid.NewGuid(), Lease, default);
        var accepted = store.TryClaimAsync(Group, ["ok-2"], Guid.NewGuid(), Lease, default);

        var rejection = await Assert.ThrowsAsync<MessageIdRejectedException>(() => refused);
        Assert.Equal(tooLong, rejection.MessageId);
        Assert.Equal([DeduplicationClaim.Claimed], await accepted);
        Assert.Equal([DeduplicationClaim.Claimed], await sqlite.TryClaimAsync(Group, ["ok-1"], Guid.NewGuid(), Lease, default));
    }

    [Fact]
    public async Task Sqlite_a_locked_file_fails_the_group_and_the_next_group_after_the_lock_is_applied()
    {
        var path = Path.Combine(folder, "dedup.db");
        var sqlite = new SqliteDeduplicationStore($"Data Source={path};Default Timeout=1", time);
        var store = Batching(sqlite);
        Assert.Equal([DeduplicationClaim.Claimed], await store.TryClaimAsync(Group, ["m0"], Guid.NewGuid(), Lease, default));

        await using var locker = new SqliteConnection($"Data Source={path};Pooling=False");
        await locker.OpenAsync();
        await using (var begin = locker.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;";
            await begin.ExecuteNonQueryAsync();
        }

        var owner = Guid.NewGuid();
        await Assert.ThrowsAsync<SqliteException>(() => store.TryClaimAsync(Group, ["m1"], owner, Lease, default));
        await using (var rollback = locker.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync();
        }

        Assert.Equal([DeduplicationClaim.Claimed], await store.TryClaimAsync(Group, ["m1"], owner, Lease, default));
        Assert.Equal([true], await store.MarkProcessedAsync(Group, ["m1"], owner, default));
    }

    private IDeduplicationStore Batching(IDeduplicationStore inner)
    {
        var store = BatchingDeduplicationStore.For(inner);
        stores.Add((IAsyncDisposable)store);
        return store;
    }

    private static string[] Ids(string prefix, int count) => Enumerable.Range(0, count).Select(i => $"{prefix}{i}").ToArray();

    /// <summary>A batching store the test closes itself.</summary>
    private sealed record OwnedBatching(IDeduplicationStore Store)
    {
        public ValueTask DisposeAsync() => ((IAsyncDisposable)Store).DisposeAsync();
    }
}
