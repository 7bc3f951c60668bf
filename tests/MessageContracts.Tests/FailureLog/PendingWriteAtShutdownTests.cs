using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using MessageContracts.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Tests.FailureLog;

/// <summary>
/// A host that stops right after a publish failed under <see cref="PublishFailurePolicy.LogFailure"/> waits for the
/// failure log to take the record before it is gone: once Kafka gave up on a message, the log holds its only copy.
/// </summary>
[Collection(PublishFailureMetricsCollection.Name)]
public sealed class PendingWriteAtShutdownTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Stopping_the_host_waits_for_a_failure_log_write_that_is_still_on_its_way()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("price-changed");
        var folder = Path.Combine(Path.GetTempPath(), "messagecontracts-pending-write-tests", Guid.NewGuid().ToString("N"));
        var log = new SlowLog(new SqlitePublishFailureLog($"Data Source={Path.Combine(folder, "failures.db")}"));
        var logs = new LogCapture("host", output);
        var host = new HostBuilder()
            .ConfigureLogging(logging => logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Information))
            .ConfigureServices(services => services.AddMessageContracts(
                options =>
                {
                    options.UseEmbeddedKafka(kafka);
                    options.ServiceName = "pending-write-tests";
                    options.PublishTimeout = TimeSpan.FromSeconds(1);
                    options.PublishFailureLog = log;
                    options.PublishFailurePolicy = PublishFailurePolicy.LogFailure;
                },
                _ => false))
            .Build();
        await host.StartAsync();
        var publisher = host.Services.GetRequiredService<IEventPublisher<PriceChanged>>();
        // Connects the producer. Its 1 s timeout can expire on a loaded machine: that publish is logged (the log passes
        // writes through until it is told to hold them) and the next one tries again.
        var connected = false;
        for (var attempt = 0; attempt < 10 && !connected; attempt++)
        {
            connected = (await publisher.PublishAsync(new PriceChanged("sku-0", 1m)).WaitAsync(Patience)).Delivered;
        }

        Assert.True(connected, "the producer never delivered a message before the brokers went down");
        log.Hold();

        // The publish fails after its timeout; nobody awaits it, and the host stops at once.
        kafka.SetBrokerDown(EmbeddedKafka.AllBrokers);
        var unawaited = publisher.PublishAsync(new PriceChanged("sku-1", 2m));
        await log.Entered.WaitAsync(Patience);
        var stopping = Task.Run(async () =>
        {
            await host.StopAsync();
            host.Dispose();
        });

        // The write is held back until the shutdown says it is waiting for it. A shutdown that did not wait would
        // finish first, and the record would never be written.
        var waiting = Eventually.UntilAsync(
            () => logs.Any(e => e.Message.StartsWith("Waiting for 1 failed message(s) to be written to the publish failure log", StringComparison.Ordinal)),
            Patience,
            () => "the producer's shutdown did not wait for the failure log");
        var first = await Task.WhenAny(waiting, stopping);
        Assert.True(first == waiting, "the host stopped while a failure log write was still pending");
        await waiting;
        Assert.False(stopping.IsCompleted);
        log.Release();
        await stopping.WaitAsync(Patience);

        var result = await unawaited.WaitAsync(Patience);
        Assert.Equal(PublishOutcome.Logged, result.Outcome);
        var reopened = new SqlitePublishFailureLog($"Data Source={Path.Combine(folder, "failures.db")};Pooling=False");
        Assert.Contains(await reopened.ReadAsync(0, 100, default), record => record.MessageId == result.MessageId);
        kafka.SetBrokerUp(EmbeddedKafka.AllBrokers);
    }

    /// <summary>
    /// A real SQLite log whose writes, once <see cref="Hold"/> is called, wait until the test lets them go: a disk that is
    /// slow at the worst moment.
    /// </summary>
    private sealed class SlowLog(IPublishFailureLog inner) : IPublishFailureLog
    {
        private readonly TaskCompletionSource entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool holding;

        public Task Entered => entered.Task;

        public void Hold() => holding = true;

        public void Release() => released.TrySetResult();

        public async Task<bool> AppendAsync(PublishFailureRecord record, CancellationToken cancellationToken)
        {
            if (!holding)
            {
                return await inner.AppendAsync(record, cancellationToken);
            }

            entered.TrySetResult();
            await released.Task;
            return await inner.AppendAsync(record, cancellationToken);
        }

        public Task<IReadOnlyList<PublishFailureRecord>> ReadAsync(long afterSequence, int maxCount, CancellationToken cancellationToken) =>
            inner.ReadAsync(afterSequence, maxCount, cancellationToken);

        public Task<int> CountAsync(CancellationToken cancellationToken) => inner.CountAsync(cancellationToken);

        public Task<bool> RecordFailedAttemptAsync(string messageId, string reason, DateTimeOffset attemptedAt, CancellationToken cancellationToken) =>
            inner.RecordFailedAttemptAsync(messageId, reason, attemptedAt, cancellationToken);

        public Task<int> RemoveAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken) => inner.RemoveAsync(messageIds, cancellationToken);

        public Task<int> PurgeAsync(DateTimeOffset failedBefore, CancellationToken cancellationToken) => inner.PurgeAsync(failedBefore, cancellationToken);
    }
}
