using MessageContracts.Transports;
using System.Collections.Concurrent;
using Confluent.Kafka;
using MessageContracts.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace MessageContracts.Tests.Producing;

/// <summary>The failure policy's pieces without Kafka: ordering of the log, option precedence and validation.</summary>
[Collection(PublishFailureMetricsCollection.Name)]
public sealed class PublishFailureHandlerTests
{
    [Fact]
    public async Task Failures_reach_the_log_one_at_a_time_in_the_order_they_were_reported()
    {
        var log = new GatedLog();
        var handler = new PublishFailureHandler(
            Options.Create(new MessageContractsOptions()), log, TimeProvider.System, NullLogger<PublishFailureHandler>.Instance);

        // As librdkafka's poll thread does: one report after another, without waiting for the log.
        var outcomes = Enumerable.Range(0, 20).Select(i => handler.HandleAsync(PublishFailurePolicy.LogFailure, Record($"m{i}"), Failure())).ToArray();

        // The appends run on other threads (never the caller's), one at a time: each starts only when the one
        // before it has finished.
        for (var i = 0; i < 20; i++)
        {
            await log.WaitForStartedAsync(i + 1);
            Assert.Equal($"m{i}", log.Started[^1]);
            Assert.Equal(1, log.InFlight);
            log.CompleteNext();
        }

        Assert.Equal(1, log.MaxInFlight);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"m{i}"), log.Started);
        Assert.All(await Task.WhenAll(outcomes), result => Assert.Equal(PublishOutcome.Logged, result.Outcome));
    }

    [Fact]
    public void The_reporting_thread_never_runs_an_append()
    {
        var log = new GatedLog();
        var handler = new PublishFailureHandler(
            Options.Create(new MessageContractsOptions()), log, TimeProvider.System, NullLogger<PublishFailureHandler>.Instance);

        _ = handler.HandleAsync(PublishFailurePolicy.LogFailure, Record("m0"), Failure());

        Assert.DoesNotContain(Environment.CurrentManagedThreadId, log.StartedOnThreads);
    }

    [Fact]
    public async Task A_log_that_failed_once_does_not_block_the_appends_after_it()
    {
        var log = new GatedLog();
        var handler = new PublishFailureHandler(
            Options.Create(new MessageContractsOptions()), log, TimeProvider.System, NullLogger<PublishFailureHandler>.Instance);

        var first = handler.HandleAsync(PublishFailurePolicy.LogFailure, Record("m0"), Failure());
        var second = handler.HandleAsync(PublishFailurePolicy.LogFailure, Record("m1"), Failure());
        await log.WaitForStartedAsync(1);
        log.FailNext(new IOException("disk full"));
        log.CompleteNext();
        await log.WaitForStartedAsync(2);
        log.CompleteNext();

        var thrown = await Assert.ThrowsAsync<PublishException>(() => first);
        Assert.Equal("m0", thrown.MessageId);
        Assert.Equal(PublishOutcome.Logged, (await second).Outcome);
    }

    [Fact]
    public async Task Retry_and_ignore_never_touch_the_log()
    {
        var log = new GatedLog();
        var handler = new PublishFailureHandler(
            Options.Create(new MessageContractsOptions()), log, TimeProvider.System, NullLogger<PublishFailureHandler>.Instance);

        await Assert.ThrowsAsync<PublishException>(() => handler.HandleAsync(PublishFailurePolicy.Retry, Record("m0"), Failure()));
        var ignored = await handler.HandleAsync(PublishFailurePolicy.Ignore, Record("m1"), Failure());

        Assert.Equal(PublishOutcome.NotDelivered, ignored.Outcome);
        Assert.Empty(log.Started);
    }

    [Fact]
    public void A_contracts_policy_beats_the_global_one_and_others_keep_the_global_one()
    {
        var options = new MessageContractsOptions { PublishFailurePolicy = PublishFailurePolicy.Ignore };
        Assert.Equal(PublishFailurePolicy.Retry, new MessageContractsOptions().PublishFailurePolicy);
        Assert.Equal(TimeSpan.FromSeconds(30), new MessageContractsOptions().PublishTimeout);

        options.SetPublishFailurePolicy<PriceChanged>(PublishFailurePolicy.LogFailure);

        Assert.Equal(PublishFailurePolicy.LogFailure, options.PublishFailurePolicyFor(typeof(PriceChanged)));
        Assert.Equal(PublishFailurePolicy.Ignore, options.PublishFailurePolicyFor(typeof(OrderPlaced)));
        Assert.Throws<ArgumentOutOfRangeException>(() => options.SetPublishFailurePolicy<PriceChanged>((PublishFailurePolicy)42));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_publish_timeout_that_is_not_positive_fails_validation(int seconds)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMessageContracts(options =>
        {
            options.BootstrapServers = "127.0.0.1:9";
            options.PublishTimeout = TimeSpan.FromSeconds(seconds);
        });
        using var provider = services.BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<MessageContractsOptions>>().Value);
        Assert.Contains("PublishTimeout", exception.Message);
    }

    [Fact]
    public void The_container_hands_out_the_configured_log_and_by_default_a_sqlite_one()
    {
        var configured = new InMemoryPublishFailureLog();
        using var withLog = Build(options => options.PublishFailureLog = configured);
        Assert.Same(configured, withLog.GetRequiredService<IPublishFailureLog>());

        using var byDefault = Build(_ => { });
        Assert.IsType<SqlitePublishFailureLog>(byDefault.GetRequiredService<IPublishFailureLog>());
        Assert.NotNull(byDefault.GetRequiredService<IPublishFailureReplayer>());

        static ServiceProvider Build(Action<MessageContractsOptions> configure)
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddMessageContracts(options =>
            {
                options.BootstrapServers = "127.0.0.1:9";
                options.ServiceName = "failure-log-default-" + Guid.NewGuid().ToString("N");
                configure(options);
            });
            return services.BuildServiceProvider();
        }
    }

    private static OutboundMessage Record(string messageId)
    {
        var headers = new TransportHeaderList();
        headers.Add(MessageHeaders.Id, "id"u8.ToArray());
        return new OutboundMessage("price-changed", MessageKind.Event, messageId, "PriceChanged", "k"u8.ToArray(), "{}"u8.ToArray(), headers);
    }

    private static TransportSendFailure Failure() =>
        KafkaTransportSender.Failure(new(new Error(ErrorCode.Local_MsgTimedOut), new DeliveryResult<byte[]?, byte[]>()));

    /// <summary>A log whose appends finish only when the test says so, and which records when each one started.</summary>
    private sealed class GatedLog : IPublishFailureLog
    {
        private readonly ConcurrentQueue<string> started = new();
        private readonly ConcurrentQueue<int> startedOnThreads = new();
        private readonly ConcurrentQueue<TaskCompletionSource> pending = new();
        private readonly SemaphoreSlim startedSignal = new(0);
        private Exception? failNext;
        private int inFlight;
        private int maxInFlight;

        public IReadOnlyList<string> Started => [.. started];

        public IReadOnlyList<int> StartedOnThreads => [.. startedOnThreads];

        public int InFlight => Volatile.Read(ref inFlight);

        public int MaxInFlight => Volatile.Read(ref maxInFlight);

        public async Task<bool> AppendAsync(PublishFailureRecord record, CancellationToken cancellationToken)
        {
            var now = Interlocked.Increment(ref inFlight);
            int max;
            while (now > (max = Volatile.Read(ref maxInFlight)) && Interlocked.CompareExchange(ref maxInFlight, now, max) != max)
            {
            }

            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            pending.Enqueue(gate);
            startedOnThreads.Enqueue(Environment.CurrentManagedThreadId);
            started.Enqueue(record.MessageId);
            startedSignal.Release();
            try
            {
                await gate.Task;
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }

            return true;
        }

        public async Task WaitForStartedAsync(int count)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (started.Count < count)
            {
                await startedSignal.WaitAsync(deadline.Token);
            }
        }

        public void FailNext(Exception exception) => failNext = exception;

        public void CompleteNext()
        {
            Assert.True(pending.TryDequeue(out var gate));
            if (Interlocked.Exchange(ref failNext, null) is { } exception)
            {
                gate.SetException(exception);
            }
            else
            {
                gate.SetResult();
            }
        }

        public Task<IReadOnlyList<PublishFailureRecord>> ReadAsync(long afterSequence, int maxCount, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<PublishFailureRecord>>([]);

        public Task<int> CountAsync(CancellationToken cancellationToken) => Task.FromResult(0);

        public Task<bool> RecordFailedAttemptAsync(string messageId, string reason, DateTimeOffset attemptedAt, CancellationToken cancellationToken) =>
            Task.FromResult(false);

        public Task<int> RemoveAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken) => Task.FromResult(0);
    }
}
