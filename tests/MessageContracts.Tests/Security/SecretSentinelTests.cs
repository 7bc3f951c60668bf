using MessageContracts.PostgreSql;
using MessageContracts.Testing;
using MessageContracts.Tests.Outbox;
using MessageContracts.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace MessageContracts.Tests.Security;

/// <summary>
/// Secrets stay out of what operators read: a sentinel password, set where a user puts real ones (librdkafka's SASL
/// and TLS settings, a PostgreSQL or SQLite connection string), must not appear in any log entry at any level (the
/// librdkafka debug output included), in an options validation error, or in an exception's <c>ToString()</c>. Each
/// test also checks that the place it searches holds the setting's name or the failure, so an empty search cannot pass.
/// </summary>
public sealed class SecretSentinelTests
{
    private const string Sentinel = "SENTINEL-5f2b9c-secret";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Sasl_and_tls_secrets_appear_in_no_log_entry_nor_publish_exception()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("order-placed");
        var logs = new SecretLogCapture();
        using var host = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddProvider(logs))
            .ConfigureServices(services => services.AddMessageContracts(options =>
            {
                options.UseEmbeddedKafka(kafka);
                options.ConsumerGroup = "secrets-" + Guid.NewGuid().ToString("N");
                options.DeduplicationStore = new InMemoryDeduplicationStore();
                options.PublishTimeout = TimeSpan.FromSeconds(3);
                // The mock cluster speaks plaintext only: SASL over it fails, so the clients report errors too. The
                // producer gets the secrets through the string dictionary, the consumer through the typed hook.
                options.ProducerSettings["security.protocol"] = "SASL_PLAINTEXT";
                options.ProducerSettings["sasl.mechanism"] = "PLAIN";
                options.ProducerSettings["sasl.username"] = "orders-service";
                options.ProducerSettings["sasl.password"] = Sentinel;
                options.ProducerSettings["ssl.key.password"] = Sentinel;
                // librdkafka writes its whole configuration to the log (facility CONF) with 'conf'.
                options.ProducerSettings["debug"] = "conf,security,broker";
                options.ConfigureConsumer(consumer =>
                {
                    consumer.SecurityProtocol = Confluent.Kafka.SecurityProtocol.SaslPlaintext;
                    consumer.SaslMechanism = Confluent.Kafka.SaslMechanism.Plain;
                    consumer.SaslUsername = "orders-service";
                    consumer.SaslPassword = Sentinel;
                    consumer.SslKeyPassword = Sentinel;
                    consumer.Debug = "conf,security,broker";
                });
            }))
            .Build();

        var failures = new List<string>();
        try
        {
            await host.StartAsync();
            await host.Services.GetRequiredService<IEventPublisher<OrderPlaced>>().PublishAsync(new OrderPlaced(Guid.NewGuid(), "c-1", 1m));
        }
        catch (Exception exception)
        {
            failures.Add(exception.ToString());
        }

        // Both clients dumped their configuration, where a password would sit beside its name ("sasl.password =
        // [redacted]"), and both reported the failed authentication through the toolkit's client error log.
        await logs.WaitForAsync(entry => entry.Contains("librdkafka producer", StringComparison.Ordinal) && entry.Contains("sasl.password", StringComparison.Ordinal), Wait);
        await logs.WaitForAsync(entry => entry.Contains("librdkafka consumer", StringComparison.Ordinal) && entry.Contains("sasl.password", StringComparison.Ordinal), Wait);
        await logs.WaitForAsync(entry => entry.Contains("Kafka producer error Local_Authentication", StringComparison.Ordinal), Wait);
        await logs.WaitForAsync(entry => entry.Contains("Kafka consumer error Local_Authentication", StringComparison.Ordinal), Wait);
        await host.StopAsync();

        Assert.Contains(failures, failure => failure.Contains(nameof(PublishException), StringComparison.Ordinal)); // the publish could not authenticate
        Assert.DoesNotContain(logs.Entries, entry => entry.Contains(Sentinel, StringComparison.Ordinal));
        Assert.DoesNotContain(failures, failure => failure.Contains(Sentinel, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_options_validation_error_names_the_problem_not_the_secrets()
    {
        using var host = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .ConfigureServices(services => services.AddMessageContracts(options =>
            {
                options.BootstrapServers = "broker:9092";
                options.MaxConcurrency = 0;
                options.ProducerSettings["sasl.password"] = Sentinel;
                options.ProducerSettings["sasl.jaas.config"] = $"org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"{Sentinel}\";";
                options.ProducerSettings["socket.timeout.ms"] = "not a number";
                options.ConsumerSettings["sasl.password"] = Sentinel;
                options.ConfigureProducer(producer => producer.SslKeyPassword = Sentinel);
                options.ConfigureConsumer(consumer => consumer.SaslPassword = Sentinel);
                options.DeduplicationStore = new PostgreSqlDeduplicationStore($"Host=127.0.0.1;Username=u;Password={Sentinel};Database=d");
            }))
            .Build();

        var exception = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        var text = exception.ToString();
        Assert.Contains("MaxConcurrency is 0", text, StringComparison.Ordinal);
        Assert.Contains("socket.timeout.ms", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("deduplication")]
    [InlineData("outbox")]
    [InlineData("inbox")]
    [InlineData("failure log")]
    public void A_refused_sqlite_connection_string_is_quoted_without_its_password(string store)
    {
        var connectionString = $"Data Source=:memory:;Password={Sentinel}";
        var exception = Assert.Throws<ArgumentException>(() => CreateSqliteStore(store, connectionString));

        Assert.Contains("in-memory", exception.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, exception.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("deduplication")]
    [InlineData("outbox")]
    [InlineData("inbox")]
    [InlineData("failure log")]
    public async Task A_postgresql_store_refused_by_the_server_does_not_repeat_the_password(string store)
    {
        var wrong = new Npgsql.NpgsqlConnectionStringBuilder(OutboxDatabase.PostgresConnectionString) { Password = Sentinel, Timeout = 10 };

        var exception = await Assert.ThrowsAnyAsync<Exception>(() => UsePostgreSqlStoreAsync(store, wrong.ConnectionString));

        var text = exception.ToString();
        Assert.Contains("password authentication failed", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_output_of_stores_refused_by_the_server_carries_no_password()
    {
        var wrong = new Npgsql.NpgsqlConnectionStringBuilder(OutboxDatabase.PostgresConnectionString) { Password = Sentinel, Timeout = 10 }.ConnectionString;
        string[] checks = ["messagecontracts-deduplication-store", "messagecontracts-outbox-database", "messagecontracts-outbox-backlog", "messagecontracts-inbox-database"];

        // The deduplication store and the inbox exclude each other: one service with each.
        var entries = new Dictionary<string, HealthReportEntry>();
        foreach (var configure in new Action<MessageContractsOptions>[]
        {
            options =>
            {
                options.DeduplicationStore = new PostgreSqlDeduplicationStore(wrong);
                options.UsePostgreSqlOutbox(wrong);
            },
            options => options.UsePostgreSqlInbox(wrong),
        })
        {
            using var host = Host.CreateDefaultBuilder()
                .ConfigureLogging(logging => logging.ClearProviders())
                .ConfigureServices(services =>
                {
                    services.AddMessageContracts(options =>
                    {
                        options.BootstrapServers = "127.0.0.1:9092";
                        options.ConsumerGroup = "secrets-" + Guid.NewGuid().ToString("N");
                        configure(options);
                    });
                    services.AddHealthChecks().AddMessageContracts();
                })
                .Build();
            var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => checks.Contains(r.Name));
            foreach (var entry in report.Entries.Where(e => e.Value.Status == HealthStatus.Unhealthy))
            {
                entries[entry.Key] = entry.Value;
            }
        }

        // Every store check saw the refusal, so the output searched is the failure's.
        Assert.Equal(checks.Order(StringComparer.Ordinal), entries.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, entry) in entries)
        {
            var text = $"{entry.Description} {entry.Exception} {string.Join(", ", entry.Data.Select(d => $"{d.Key}={d.Value}"))}";
            Assert.Contains("does not answer", text, StringComparison.Ordinal);
            Assert.DoesNotContain(Sentinel, text, StringComparison.Ordinal);
        }
    }

    private static object CreateSqliteStore(string store, string connectionString) => store switch
    {
        "deduplication" => new SqliteDeduplicationStore(connectionString),
        "outbox" => new SqliteOutboxStore(connectionString),
        "inbox" => new SqliteInboxStore(connectionString),
        "failure log" => new SqlitePublishFailureLog(connectionString),
        _ => throw new ArgumentOutOfRangeException(nameof(store)),
    };

    private static async Task UsePostgreSqlStoreAsync(string store, string connectionString)
    {
        switch (store)
        {
            case "deduplication":
                await using (var deduplication = new PostgreSqlDeduplicationStore(connectionString))
                {
                    await deduplication.TryClaimAsync("group", ["id-1"], Guid.NewGuid(), TimeSpan.FromMinutes(1), CancellationToken.None);
                }

                break;
            case "outbox":
                var outbox = new MessageContractsOptions().UsePostgreSqlOutbox(connectionString).OutboxStore!;
                try
                {
                    await outbox.EnsureCreatedAsync(CancellationToken.None);
                }
                finally
                {
                    await ((IAsyncDisposable)outbox).DisposeAsync();
                }

                break;
            case "inbox":
                var inbox = new MessageContractsOptions().UsePostgreSqlInbox(connectionString).InboxStore!;
                try
                {
                    await inbox.TryBeginAsync("group", "id-1", DateTimeOffset.UtcNow, CancellationToken.None);
                }
                finally
                {
                    await ((IAsyncDisposable)inbox).DisposeAsync();
                }

                break;
            case "failure log":
                await using (var log = new PostgreSqlPublishFailureLog(connectionString))
                {
                    await log.CountAsync(CancellationToken.None);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(store));
        }
    }
}
