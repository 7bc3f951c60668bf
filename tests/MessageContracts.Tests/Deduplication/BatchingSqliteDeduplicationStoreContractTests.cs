using MessageContracts.Stores.Tests;
using Microsoft.Data.Sqlite;

namespace MessageContracts.Tests.Deduplication;

/// <summary>
/// The deduplication store contract, through the consumer's group-commit writer over a SQLite file: a store that
/// batches must answer each call as the store alone does. Each "instance" is a writer of its own on the same file, as
/// a second consumer process would have.
/// </summary>
public sealed class BatchingSqliteDeduplicationStoreContractTests : DeduplicationStoreContract
{
    private readonly string folder = Directory.CreateTempSubdirectory("mc-batching-").FullName;
    private readonly List<IAsyncDisposable> writers = [];

    protected override IDeduplicationStore CreateStore()
    {
        var store = BatchingDeduplicationStore.For(new SqliteDeduplicationStore($"Data Source={Path.Combine(folder, "dedup.db")}", Time));
        writers.Add((IAsyncDisposable)store);
        return store;
    }

    public override async Task DisposeAsync()
    {
        foreach (var writer in writers)
        {
            await writer.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}
