using System.Text;
using Confluent.Kafka;
using Xunit;

namespace MessageContracts.Tests.Outbox;

/// <summary>
/// The outbox stores on their own (SQLite and PostgreSQL): what a lease returns, marking sent, retention, and for
/// PostgreSQL the bucket locks that keep two relays off one key. Also the two encodings whose stability the stored rows
/// depend on: the key bucket and the header blob.
/// </summary>
[Collection(OutboxCollection.Name)]
public sealed class OutboxStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(OutboxDatabase.Sqlite)]
    [InlineData(OutboxDatabase.PostgreSql)]
    public async Task A_lease_returns_committed_unsent_rows_in_order_and_sent_rows_go_after_the_retention(string provider)
    {
        await using var database = await OutboxDatabase.CreateAsync(provider);
        var store = Store(database);
        await store.EnsureCreatedAsync(CancellationToken.None);

        var rows = Enumerable.Range(0, 3).Select(i => Row("key-a", i)).ToList();
        await EnqueueAsync(database, store, rows, commit: true);
        await EnqueueAsync(database, store, [Row("key-a", 99)], commit: false);

        await using (var lease = await store.LeaseAsync(10, CancellationToken.None))
        {
            Assert.Equal(rows.Select(r => r.MessageId), lease.Messages.Select(m => m.MessageId));
            Assert.True(lease.Messages.Zip(lease.Messages.Skip(1)).All(p => p.First.Sequence < p.Second.Sequence));
            var first = lease.Messages[0];
            Assert.Equal(rows[0].Key, first.Key);
            Assert.Equal(rows[0].Value, first.Value);
            Assert.Equal(rows[0].Headers, first.Headers);
            Assert.Equal(rows[0].Bucket, first.Bucket);
            await lease.MarkSentAsync([lease.Messages[0].Sequence, lease.Messages[1].Sequence], T0, CancellationToken.None);
        }

        await using (var lease = await store.LeaseAsync(10, CancellationToken.None))
        {
            Assert.Equal([rows[2].MessageId], lease.Messages.Select(m => m.MessageId));
        }

        Assert.Equal(0, await store.PurgeSentAsync(T0, CancellationToken.None));
        Assert.Equal(2, await store.PurgeSentAsync(T0.AddSeconds(1), CancellationToken.None));
        Assert.Equal(1, await database.CountAsync(database.OutboxTable));
        await DisposeAsync(store);
    }

    [Fact]
    public async Task A_postgresql_relay_gets_no_rows_of_a_bucket_another_relay_holds()
    {
        await using var database = await OutboxDatabase.CreateAsync(OutboxDatabase.PostgreSql);
        var first = Store(database);
        var second = Store(database);
        await EnqueueAsync(database, first, [Row("key-a", 0), Row("key-a", 1)], commit: true);

        await using (var held = await first.LeaseAsync(1, CancellationToken.None))
        {
            Assert.Single(held.Messages);

            // key-a's second row is unsent, but its bucket is held: the other relay must not take it.
            await using var other = await second.LeaseAsync(10, CancellationToken.None);
            Assert.Empty(other.Messages);
            await held.MarkSentAsync([held.Messages[0].Sequence], T0, CancellationToken.None);
        }

        await using (var next = await second.LeaseAsync(10, CancellationToken.None))
        {
            Assert.Equal(1, Assert.Single(Decode(next.Messages)).Sequence);
        }

        await DisposeAsync(first);
        await DisposeAsync(second);
    }

    [Fact]
    public void Key_buckets_never_change()
    {
        // Stored rows carry their bucket; a different function would let two relays work on one key.
        Assert.Equal(OutboxBuckets.For(Encoding.UTF8.GetBytes("key-1"), "ignored"), OutboxBuckets.For(Encoding.UTF8.GetBytes("key-1"), "other"));
        Assert.Equal(6, OutboxBuckets.For(Encoding.UTF8.GetBytes("key-1"), "ignored"));
        Assert.Equal(OutboxBuckets.For(null, "id-1"), OutboxBuckets.For(null, "id-1"));
        Assert.All(Enumerable.Range(0, 1000), i => Assert.InRange(OutboxBuckets.For(Encoding.UTF8.GetBytes($"k{i}"), ""), 0, OutboxBuckets.Count - 1));
    }

    [Fact]
    public void Headers_survive_the_row_encoding()
    {
        var headers = new Headers { { "ce_id", "abc"u8.ToArray() }, { "empty", [] }, { "null", null! }, { "ce_id", "second"u8.ToArray() } };
        var decoded = OutboxHeaders.Decode(OutboxHeaders.Encode(new KafkaTransportHeaders(headers)));
        Assert.Equal(headers.Select(h => (h.Key, (byte[]?)h.GetValueBytes())), Enumerable.Range(0, decoded.Count).Select(i => (decoded.KeyAt(i), decoded.ValueAt(i))));
    }

    private static IOutboxStore Store(OutboxDatabase database)
    {
        var options = new MessageContractsOptions();
        database.Configure(options, inbox: false);
        return options.OutboxStore!;
    }

    private static OutboxMessage Row(string key, int sequence)
    {
        var id = Guid.CreateVersion7().ToString();
        var keyBytes = Encoding.UTF8.GetBytes(key);
        var value = Encoding.UTF8.GetBytes($$"""{"key":"{{key}}","sequence":{{sequence}}}""");
        var headers = OutboxHeaders.Encode(new KafkaTransportHeaders(new Headers { { MessageHeaders.Id, Encoding.UTF8.GetBytes(id) } }));
        return new OutboxMessage(0, id, "OutboxProbe", OutboxProbes.Topic, keyBytes, value, headers, OutboxBuckets.For(keyBytes, id), T0);
    }

    private static IEnumerable<(string Key, int Sequence)> Decode(IEnumerable<OutboxMessage> messages) =>
        messages.Select(m =>
        {
            var probe = System.Text.Json.JsonDocument.Parse(m.Value).RootElement;
            return (probe.GetProperty("key").GetString()!, probe.GetProperty("sequence").GetInt32());
        });

    private static async Task EnqueueAsync(OutboxDatabase database, IOutboxStore store, IEnumerable<OutboxMessage> rows, bool commit)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var row in rows)
        {
            await store.EnqueueAsync(row, transaction, CancellationToken.None);
        }

        if (commit)
        {
            await transaction.CommitAsync();
        }
        else
        {
            await transaction.RollbackAsync();
        }
    }

    private static async Task DisposeAsync(IOutboxStore store)
    {
        if (store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }
}
