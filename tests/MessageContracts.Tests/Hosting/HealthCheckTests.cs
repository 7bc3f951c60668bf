using MessageContracts.PostgreSql;
using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Hosting;

/// <summary>
/// The health checks of <c>AddHealthChecks().AddMessageContracts()</c>, driven to Healthy and to Unhealthy or Degraded
/// by real parts: the embedded Kafka's brokers going down and up, a second consumer left without partitions, and a
/// SQLite deduplication store whose directory does not exist.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class HealthCheckTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Broker_checks_are_unhealthy_while_every_broker_is_down_and_healthy_once_one_is_back()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(Probes.Topic, partitions: 2);
        kafka.CreateTopic(Probes.DeadLetterTopic);
        await using var host = await FaultHost.StartAsync(kafka, NewGroup(), output: output, services: AddChecks());
        await host.PublishAllAsync(Probes.Create(keys: 2, perKey: 1, prefix: "before"));
        await Eventually.UntilAsync(() => host.Effects.Count >= 2, Patience, () => "the first messages were not handled");
        await UntilStatusAsync(host, HealthCheckNames.Producer, HealthStatus.Healthy);
        await UntilStatusAsync(host, HealthCheckNames.Consumer, HealthStatus.Healthy);

        kafka.SetBrokerDown(EmbeddedKafka.AllBrokers);
        await UntilStatusAsync(host, HealthCheckNames.Producer, HealthStatus.Unhealthy);
        var consumer = await UntilStatusAsync(host, HealthCheckNames.Consumer, HealthStatus.Unhealthy);
        Assert.Contains("reached no broker", consumer.Description, StringComparison.Ordinal);

        kafka.SetBrokerUp(EmbeddedKafka.AllBrokers);
        // No record is published after the outage: the consumer must notice the broker is back on its own.
        await UntilStatusAsync(host, HealthCheckNames.Producer, HealthStatus.Healthy);
        await UntilStatusAsync(host, HealthCheckNames.Consumer, HealthStatus.Healthy);
    }

    [Fact]
    public async Task Assignment_check_is_degraded_for_a_consumer_without_partitions_past_the_threshold()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(Probes.Topic, partitions: 1);
        kafka.CreateTopic(Probes.DeadLetterTopic);
        var group = NewGroup();
        var firstClock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var secondClock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var first = await FaultHost.StartAsync(kafka, group, "host-1", output, timeProvider: firstClock, services: AddChecks());
        await Eventually.UntilAsync(() => first.CurrentAssignment() == 1, Patience, () => "the first consumer was not assigned the partition");
        await using var second = await FaultHost.StartAsync(kafka, group, "host-2", output, timeProvider: secondClock, services: AddChecks());
        await Eventually.UntilAsync(
            () => second.Services.GetRequiredService<MessageContractsHealthState>().Assignment.Snapshot().UnassignedSince is not null,
            Patience,
            () => "the second consumer did not subscribe");

        // Within the threshold an instance without partitions is normal (a rebalance); past it, it is Degraded.
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(second, HealthCheckNames.Assignment)).Status);
        firstClock.Advance(TimeSpan.FromMinutes(2));
        secondClock.Advance(TimeSpan.FromMinutes(2));
        var degraded = await CheckAsync(second, HealthCheckNames.Assignment);
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Contains("no partitions since", degraded.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(first, HealthCheckNames.Assignment)).Status);
    }

    [Fact]
    public async Task Deduplication_store_check_follows_whether_the_store_answers()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(Probes.Topic);
        kafka.CreateTopic(Probes.DeadLetterTopic);
        var directory = Directory.CreateTempSubdirectory("mc-health-");
        try
        {
            await using (var working = await FaultHost.StartAsync(kafka, NewGroup(), output: output,
                deduplication: new SqliteDeduplicationStore($"Data Source={Path.Combine(directory.FullName, "dedup.db")}"), services: AddChecks()))
            {
                Assert.Equal(HealthStatus.Healthy, (await CheckAsync(working, HealthCheckNames.DeduplicationStore)).Status);
            }

            // The store creates a missing directory, so the broken path goes through a file where a directory should be.
            var blocker = Path.Combine(directory.FullName, "a-file");
            await File.WriteAllTextAsync(blocker, "not a directory");
            var missing = Path.Combine(blocker, "dedup.db");
            await using var broken = await FaultHost.StartAsync(kafka, NewGroup(), "host-2", output,
                deduplication: new SqliteDeduplicationStore($"Data Source={missing}"), services: AddChecks());
            var unhealthy = await CheckAsync(broken, HealthCheckNames.DeduplicationStore);
            Assert.Equal(HealthStatus.Unhealthy, unhealthy.Status);
            Assert.Contains("does not answer", unhealthy.Description, StringComparison.Ordinal);
            Assert.DoesNotContain(missing, unhealthy.Description, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Outbox_and_inbox_database_checks_follow_whether_their_database_answers(string provider)
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(Probes.Topic);
        kafka.CreateTopic(Probes.DeadLetterTopic);
        var directory = Directory.CreateTempSubdirectory("mc-health-");
        var table = "health_" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            string working, broken, secret;
            if (provider == "sqlite")
            {
                working = $"Data Source={Path.Combine(directory.FullName, "app.db")}";
                // The stores create a missing directory, so the stopped database is a file where a directory should be.
                var blocker = Path.Combine(directory.FullName, "a-file");
                await File.WriteAllTextAsync(blocker, "not a directory");
                secret = Path.Combine(blocker, "app.db");
                broken = $"Data Source={secret}";
            }
            else
            {
                working = MessageContracts.Tests.Outbox.OutboxDatabase.PostgresConnectionString;
                // A stopped server: a port where nothing listens.
                var stopped = new Npgsql.NpgsqlConnectionStringBuilder(working) { Port = 1, Timeout = 3, Password = "stopped-server-secret" };
                secret = stopped.Password!;
                broken = stopped.ConnectionString;
            }

            await using (var up = await FaultHost.StartAsync(kafka, NewGroup(), output: output, configure: UseOutboxAndInbox(provider, working, table), services: AddChecks()))
            {
                Assert.Equal(HealthStatus.Healthy, (await CheckAsync(up, HealthCheckNames.OutboxDatabase)).Status);
                Assert.Equal(HealthStatus.Healthy, (await CheckAsync(up, HealthCheckNames.InboxDatabase)).Status);
                Assert.Equal(HealthStatus.Healthy, (await CheckAsync(up, HealthCheckNames.OutboxBacklog)).Status);
            }

            await using var down = await FaultHost.StartAsync(kafka, NewGroup(), "host-2", output, configure: UseOutboxAndInbox(provider, broken, table), services: AddChecks());
            foreach (var name in new[] { HealthCheckNames.OutboxDatabase, HealthCheckNames.InboxDatabase, HealthCheckNames.OutboxBacklog })
            {
                var entry = await CheckAsync(down, name);
                Assert.Equal(HealthStatus.Unhealthy, entry.Status);
                Assert.Contains("does not answer", entry.Description, StringComparison.Ordinal);
                Assert.DoesNotContain(secret, entry.Description, StringComparison.Ordinal);
                Assert.Null(entry.Exception);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
            if (provider == "postgresql")
            {
                await using var connection = new Npgsql.NpgsqlConnection(MessageContracts.Tests.Outbox.OutboxDatabase.PostgresConnectionString);
                await connection.OpenAsync();
                await using var drop = new Npgsql.NpgsqlCommand($"DROP TABLE IF EXISTS {table}_outbox, {table}_inbox", connection);
                await drop.ExecuteNonQueryAsync();
            }
        }
    }

    [Fact]
    public async Task Outbox_backlog_check_turns_degraded_then_unhealthy_as_the_oldest_unsent_row_ages()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(Probes.Topic);
        kafka.CreateTopic(Probes.DeadLetterTopic);
        var directory = Directory.CreateTempSubdirectory("mc-health-");
        try
        {
            var connectionString = $"Data Source={Path.Combine(directory.FullName, "app.db")}";
            var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
            await using var host = await FaultHost.StartAsync(kafka, NewGroup(), output: output, timeProvider: clock,
                configure: options =>
                {
                    options.UseSqliteOutbox(connectionString);
                    options.Outbox.RunRelay = false; // No relay anywhere: the row stays unsent.
                },
                services: services => services.AddHealthChecks().AddMessageContracts(options =>
                {
                    options.OutboxAgeDegradedThreshold = TimeSpan.FromMinutes(1);
                    options.OutboxAgeUnhealthyThreshold = TimeSpan.FromMinutes(5);
                }));
            Assert.Equal(HealthStatus.Healthy, (await CheckAsync(host, HealthCheckNames.OutboxBacklog)).Status);

            await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection(connectionString))
            {
                await connection.OpenAsync();
                await using var transaction = await connection.BeginTransactionAsync();
                await host.Services.GetRequiredService<IOutbox>().EnqueueAsync(new global::Faults.Contracts.FaultProbe("k", 0, FaultProbeBehaviors.Ok), transaction);
                await transaction.CommitAsync();
            }

            clock.Advance(TimeSpan.FromSeconds(30));
            var young = await CheckAsync(host, HealthCheckNames.OutboxBacklog);
            Assert.Equal(HealthStatus.Healthy, young.Status);
            Assert.Contains("1 unsent outbox row(s), the oldest enqueued 30 s ago", young.Description, StringComparison.Ordinal);

            clock.Advance(TimeSpan.FromSeconds(31));
            var degraded = await CheckAsync(host, HealthCheckNames.OutboxBacklog);
            Assert.Equal(HealthStatus.Degraded, degraded.Status);
            Assert.Contains("relay falls behind", degraded.Description, StringComparison.Ordinal);

            clock.Advance(TimeSpan.FromMinutes(4));
            var unhealthy = await CheckAsync(host, HealthCheckNames.OutboxBacklog);
            Assert.Equal(HealthStatus.Unhealthy, unhealthy.Status);
            Assert.Contains("longer than 00:05:00", unhealthy.Description, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Checks_carry_the_documented_tags()
    {
        var services = new ServiceCollection();
        services.AddHealthChecks().AddMessageContracts();
        await using var provider = services.BuildServiceProvider();
        var registrations = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<HealthCheckServiceOptions>>().Value.Registrations
            .ToDictionary(r => r.Name, r => r.Tags.Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(["ready"], registrations[HealthCheckNames.Producer]);
        Assert.Equal(["ready"], registrations[HealthCheckNames.Consumer]);
        Assert.Equal(["live", "ready"], registrations[HealthCheckNames.Assignment]);
        Assert.Equal(["ready"], registrations[HealthCheckNames.DeduplicationStore]);

        // Without an outbox or inbox their checks are not registered; with them, they are, for readiness.
        Assert.DoesNotContain(HealthCheckNames.OutboxDatabase, registrations.Keys);
        Assert.DoesNotContain(HealthCheckNames.InboxDatabase, registrations.Keys);
        var withStores = new ServiceCollection();
        withStores.AddLogging();
        withStores.AddMessageContracts(options =>
        {
            options.BootstrapServers = "127.0.0.1:9092";
            options.ConsumerGroup = NewGroup();
            options.UseSqliteOutbox("Data Source=unused-outbox.db");
            options.UseSqliteInbox("Data Source=unused-inbox.db");
        });
        withStores.AddHealthChecks().AddMessageContracts();
        await using var withStoresProvider = withStores.BuildServiceProvider();
        var storeRegistrations = withStoresProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<HealthCheckServiceOptions>>().Value.Registrations
            .ToDictionary(r => r.Name, r => r.Tags.Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(["ready"], storeRegistrations[HealthCheckNames.OutboxDatabase]);
        Assert.Equal(["ready"], storeRegistrations[HealthCheckNames.OutboxBacklog]);
        Assert.Equal(["ready"], storeRegistrations[HealthCheckNames.InboxDatabase]);
    }

    private static Action<MessageContractsOptions> UseOutboxAndInbox(string provider, string connectionString, string table) => options =>
    {
        if (provider == "sqlite")
        {
            options.UseSqliteOutbox(connectionString);
            options.UseSqliteInbox(connectionString);
        }
        else
        {
            options.UsePostgreSqlOutbox(connectionString, tableName: table + "_outbox");
            options.UsePostgreSqlInbox(connectionString, tableName: table + "_inbox");
        }

        options.DeduplicationStore = null; // The inbox settles records.
        options.Outbox.RunRelay = false;
    };

    private static Action<IServiceCollection> AddChecks() =>
        services => services.AddHealthChecks().AddMessageContracts(options => options.UnassignedThreshold = TimeSpan.FromMinutes(1));

    private static string NewGroup() => "health-" + Guid.NewGuid().ToString("N");

    private static async Task<HealthReportEntry> CheckAsync(FaultHost host, string name)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == name);
        return report.Entries[name];
    }

    private static async Task<HealthReportEntry> UntilStatusAsync(FaultHost host, string name, HealthStatus status)
    {
        HealthReportEntry last = default;
        await Eventually.UntilAsync(
            async () => (last = await CheckAsync(host, name)).Status == status,
            Patience,
            () => $"{name} stayed {last.Status} ({last.Description}), not {status}");
        return last;
    }
}
