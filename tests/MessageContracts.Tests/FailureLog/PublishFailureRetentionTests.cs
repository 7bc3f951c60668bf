using MessageContracts.Tests.Faults.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace MessageContracts.Tests.FailureLog;

/// <summary>
/// The failure log's retention in a host: records older than <see cref="MessageContractsOptions.PublishFailureRetention"/>
/// are removed at startup and then every hour (on a <see cref="FakeTimeProvider"/>); a custom log without its own purge
/// gets the interface's default one.
/// </summary>
public sealed class PublishFailureRetentionTests
{
    private static readonly DateTimeOffset Now = new(2031, 5, 6, 7, 8, 9, TimeSpan.Zero);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Records_older_than_the_retention_are_removed_at_startup_and_every_hour_after()
    {
        var time = new FakeTimeProvider(Now);
        var log = new InMemoryPublishFailureLog();
        await log.AppendAsync(Record("failed-31-days-ago", Now.AddDays(-31)), default);
        await log.AppendAsync(Record("failed-29-days-ago", Now.AddDays(-29)), default);
        await log.AppendAsync(Record("failed-an-hour-ago", Now.AddHours(-1)), default);

        using var host = await StartAsync(time, log, configure: null);

        // At startup: the default retention is 30 days.
        await Eventually.UntilAsync(async () => await log.CountAsync(default) == 2, Patience, () => "the 31-day-old record was not removed at startup");

        // A day and a few hours later the 29-day-old record is past it too; the hourly purge removes it.
        time.Advance(TimeSpan.FromHours(25));
        await Eventually.UntilAsync(async () => await log.CountAsync(default) == 1, Patience, () => "the hourly purge did not remove the record that had become too old");
        Assert.Equal("failed-an-hour-ago", Assert.Single(await log.ReadAsync(0, 10, default)).MessageId);
        Assert.Equal(TimeSpan.FromDays(30), host.Services.GetRequiredService<IOptions<MessageContractsOptions>>().Value.PublishFailureRetention);
        await host.StopAsync();
    }

    [Fact]
    public async Task An_infinite_retention_keeps_every_record_and_a_custom_log_gets_the_default_purge()
    {
        var kept = new InMemoryPublishFailureLog();
        await kept.AppendAsync(Record("ancient", Now.AddYears(-3)), default);
        using (var host = await StartAsync(new FakeTimeProvider(Now), kept, options => options.PublishFailureRetention = Timeout.InfiniteTimeSpan))
        {
            await host.StopAsync();
        }

        var custom = new LogWithoutPurge();
        await custom.AppendAsync(Record("ancient", Now.AddYears(-3)), default);
        await custom.AppendAsync(Record("recent", Now.AddDays(-1)), default);
        using (var host = await StartAsync(new FakeTimeProvider(Now), custom, options => options.PublishFailureRetention = TimeSpan.FromDays(2)))
        {
            await Eventually.UntilAsync(async () => await custom.CountAsync(default) == 1, Patience, () => "the default purge did not remove the ancient record");
            await host.StopAsync();
        }

        Assert.Equal(1, await kept.CountAsync(default));
        Assert.Equal("recent", Assert.Single(await custom.ReadAsync(0, 10, default)).MessageId);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_retention_that_is_not_positive_fails_startup(int seconds)
    {
        using var services = new ServiceCollection()
            .AddLogging()
            .AddMessageContracts(options =>
            {
                options.BootstrapServers = "localhost:9092";
                options.PublishFailureRetention = TimeSpan.FromSeconds(seconds);
            })
            .BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<MessageContractsOptions>>().Value);
        Assert.Contains("PublishFailureRetention", Assert.Single(exception.Failures));
    }

    private static async Task<IHost> StartAsync(TimeProvider time, IPublishFailureLog log, Action<MessageContractsOptions>? configure)
    {
        var host = new HostBuilder()
            .ConfigureServices(services =>
            {
                services.AddSingleton(time);
                services.AddMessageContracts(
                    options =>
                    {
                        options.BootstrapServers = "127.0.0.1:1"; // never contacted: this host publishes nothing
                        options.ServiceName = "retention-tests";
                        options.PublishFailureLog = log;
                        configure?.Invoke(options);
                    },
                    _ => false);
            })
            .Build();
        await host.StartAsync();
        return host;
    }

    private static PublishFailureRecord Record(string messageId, DateTimeOffset failedAt) => new()
    {
        MessageId = messageId,
        MessageType = "PriceChanged",
        Topic = "price-changed",
        Value = "{}"u8.ToArray(),
        Reason = "Local_MsgTimedOut",
        FailedAt = failedAt,
    };

    /// <summary>A log written before <see cref="IPublishFailureLog.PurgeAsync"/> existed: it relies on the default.</summary>
    private sealed class LogWithoutPurge : IPublishFailureLog
    {
        private readonly InMemoryPublishFailureLog inner = new();

        public Task<bool> AppendAsync(PublishFailureRecord record, CancellationToken cancellationToken) => inner.AppendAsync(record, cancellationToken);

        public Task<IReadOnlyList<PublishFailureRecord>> ReadAsync(long afterSequence, int maxCount, CancellationToken cancellationToken) =>
            inner.ReadAsync(afterSequence, maxCount, cancellationToken);

        public Task<int> CountAsync(CancellationToken cancellationToken) => inner.CountAsync(cancellationToken);

        public Task<bool> RecordFailedAttemptAsync(string messageId, string reason, DateTimeOffset attemptedAt, CancellationToken cancellationToken) =>
            inner.RecordFailedAttemptAsync(messageId, reason, attemptedAt, cancellationToken);

        public Task<int> RemoveAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken) => inner.RemoveAsync(messageIds, cancellationToken);
    }
}
