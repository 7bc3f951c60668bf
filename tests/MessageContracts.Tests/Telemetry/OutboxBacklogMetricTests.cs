using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using MessageContracts.Tests.Outbox;
using MessageContracts.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Telemetry;

/// <summary>
/// <c>messagecontracts.outbox.backlog</c> and <c>messagecontracts.outbox.oldest_age</c> read from real outbox tables:
/// a SQLite file driven row by row under a fake clock, and the gauges of a running host on SQLite and PostgreSQL.
/// </summary>
[Collection(OutboxCollection.Name)]
public sealed class OutboxBacklogMetricTests(ITestOutputHelper output)
{
    private const string Backlog = "messagecontracts.outbox.backlog";
    private const string OldestAge = "messagecontracts.outbox.oldest_age";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Gauges_follow_the_unsent_rows_and_the_oldest_ones_age()
    {
        var directory = Directory.CreateTempSubdirectory("mc-backlog-");
        try
        {
            var connectionString = $"Data Source={Path.Combine(directory.FullName, "app.db")};Pooling=False";
            var store = new SqliteOutboxStore(connectionString);
            await store.EnsureCreatedAsync(CancellationToken.None);
            var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
            using var metrics = new OutboxBacklogMetrics(store, clock, refreshInterval: TimeSpan.Zero);
            using var gauges = new GaugeReader(metrics.Meter!);

            await UntilAsync(gauges, backlog: 0, oldestAgeSeconds: 0);

            await EnqueueAsync(connectionString, store, "m-1", clock.GetUtcNow().AddSeconds(-40));
            await EnqueueAsync(connectionString, store, "m-2", clock.GetUtcNow().AddSeconds(-20));
            await EnqueueAsync(connectionString, store, "m-3", clock.GetUtcNow().AddSeconds(-10));
            await UntilAsync(gauges, backlog: 3, oldestAgeSeconds: 40);

            // The age grows with the clock between queries; marking the oldest sent moves it to the next one.
            clock.Advance(TimeSpan.FromSeconds(5));
            await using (var lease = await store.LeaseAsync(1, CancellationToken.None))
            {
                await lease.MarkSentAsync([lease.Messages[0].Sequence], clock.GetUtcNow(), CancellationToken.None);
            }

            await UntilAsync(gauges, backlog: 2, oldestAgeSeconds: 25);
            var units = gauges.Collect().ToDictionary(g => g.Instrument, g => g.Unit);
            Assert.Equal("{message}", units[Backlog]);
            Assert.Equal("s", units[OldestAge]);

            // No query may hold the file open when the directory goes.
            metrics.Dispose();
            await metrics.LastQuery;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData(OutboxDatabase.Sqlite)]
    [InlineData(OutboxDatabase.PostgreSql)]
    public async Task A_host_with_an_outbox_reports_its_backlog(string provider)
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(OutboxProbes.Topic);
        await using var database = await OutboxDatabase.CreateAsync(provider);
        await using var writer = await OutboxHost.StartAsync(kafka, "writer", sink: null, options =>
        {
            database.Configure(options, inbox: false);
            options.Outbox.RunRelay = false;
        }, output);
        var metrics = writer.Services.GetRequiredService<OutboxBacklogMetrics>();
        using var gauges = new GaugeReader(metrics.Meter!);

        await database.PlaceOrderAsync(writer.Outbox, "order-1", [new OutboxProbe("order-1", 0), new OutboxProbe("order-1", 1)]);

        // Collections within the refresh interval report the last answer; the next one after it sees the rows.
        double? last = null;
        await Eventually.UntilAsync(() => (last = gauges.Value(Backlog)) == 2, Patience, () => $"the backlog stayed {last?.ToString() ?? "unreported"}, not 2");
        Assert.True(gauges.Value(OldestAge) >= 0);
    }

    private static async Task EnqueueAsync(string connectionString, SqliteOutboxStore store, string id, DateTimeOffset createdAt)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await store.EnqueueAsync(new OutboxMessage(0, id, "probe", "outbox.probes", null, [1], [], 0, createdAt), transaction, CancellationToken.None);
        await transaction.CommitAsync();
    }

    private static async Task UntilAsync(GaugeReader gauges, long backlog, double oldestAgeSeconds)
    {
        string last = "";
        await Eventually.UntilAsync(
            () =>
            {
                var values = gauges.Collect().ToDictionary(g => g.Instrument, g => g.Value);
                last = string.Join(", ", values.Select(v => $"{v.Key}={v.Value}"));
                return values.TryGetValue(Backlog, out var b) && b == backlog
                    && values.TryGetValue(OldestAge, out var age) && Math.Abs(age - oldestAgeSeconds) < 0.001;
            },
            Patience,
            () => $"the gauges read [{last}], not backlog {backlog} and oldest age {oldestAgeSeconds} s");
    }
}
