using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using Xunit;

namespace MessageContracts.RabbitMQ.Tests;

/// <summary>
/// Whole hosts as a user builds them (AddMessageContracts + UseRabbitMq, generated contracts and handlers) on a real
/// broker: the guarantees of docs/transports.md, observed through the handlers and the broker's queues.
/// </summary>
public sealed class HostTests(RabbitMqVirtualHost virtualHost) : IClassFixture<RabbitMqVirtualHost>
{
    private static string TypeOf<T>()
        where T : IMessageContract<T> => T.MessageType;

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    [Fact]
    public async Task An_event_reaches_every_consuming_service_once()
    {
        await using var billing = await RabbitMqTestHost.StartAsync(virtualHost, Unique("billing"));
        await using var audit = await RabbitMqTestHost.StartAsync(virtualHost, Unique("audit"));
        var crate = Unique("crate");

        await billing.Publisher<CrateLoaded>().PublishAsync(new CrateLoaded(crate));

        await billing.Log.WaitUntilAsync(runs => runs.Any(run => run.Subject == crate), "its copy");
        await audit.Log.WaitUntilAsync(runs => runs.Any(run => run.Subject == crate), "its copy");
        Assert.Single(billing.Log.Succeeded(crate));
        Assert.Single(audit.Log.Succeeded(crate));
    }

    [Fact]
    public async Task A_command_is_handled_once_across_the_services_reading_its_queue()
    {
        await using var first = await RabbitMqTestHost.StartAsync(virtualHost, Unique("packing"));
        await using var second = await RabbitMqTestHost.StartAsync(virtualHost, Unique("packing"));
        var crates = Enumerable.Range(0, 10).Select(_ => Unique("seal")).ToList();

        foreach (var crate in crates)
        {
            await first.Sender<SealCrate>().SendAsync(new SealCrate(crate));
        }

        bool AllHandled() => crates.All(crate => first.Log.Succeeded(crate).Count + second.Log.Succeeded(crate).Count >= 1);
        await Task.WhenAny(
            first.Log.WaitUntilAsync(_ => AllHandled(), "every command"),
            second.Log.WaitUntilAsync(_ => AllHandled(), "every command"));
        foreach (var crate in crates)
        {
            Assert.Equal(1, first.Log.Succeeded(crate).Count + second.Log.Succeeded(crate).Count);
        }
    }

    [Fact]
    public async Task A_logged_command_is_replayed_to_its_queue()
    {
        await using var host = await RabbitMqTestHost.StartAsync(virtualHost, Unique("office"), configure: options => options.PublishFailureLog = new InMemoryPublishFailureLog());

        // No queue yet: returned, and logged by the LogFailure policy.
        var sent = await host.Sender<UnownedOrder>().SendAsync(new UnownedOrder("o-3"), PublishFailurePolicy.LogFailure);
        Assert.False(sent.Delivered);

        var connection = await virtualHost.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync("hosts.unowned-order", durable: true, exclusive: false, autoDelete: false);
        try
        {
            var replay = await host.Services.GetRequiredService<IPublishFailureReplayer>().ReplayAsync();

            Assert.Equal(1, replay.Replayed);
            var replayed = Assert.Single(await RawAmqp.TakeAsync(connection, "hosts.unowned-order", 1));
            Assert.Equal(sent.MessageId, replayed.MessageId);
        }
        finally
        {
            await channel.QueueDeleteAsync("hosts.unowned-order");
        }
    }

    [Fact]
    public async Task A_second_copy_of_a_message_id_is_dropped()
    {
        // One handler at a time: the copies and the marker are handled in the order they were queued.
        await using var host = await RabbitMqTestHost.StartAsync(virtualHost, Unique("ledger"), configure: options => options.MaxConcurrency = 1);
        var crate = Unique("dup");
        var id = Guid.CreateVersion7().ToString();
        var marker = Unique("marker");

        await host.Publisher<CrateLoaded>().PublishAsync(new CrateLoaded(crate), new PublishOptions { MessageId = id });
        await host.Publisher<CrateLoaded>().PublishAsync(new CrateLoaded(crate), new PublishOptions { MessageId = id });
        await host.Publisher<CrateLoaded>().PublishAsync(new CrateLoaded(marker));

        await host.Log.WaitUntilAsync(runs => runs.Any(run => run.Subject == marker), "the marker after the copies");
        var handled = Assert.Single(host.Log.Succeeded(crate));
        Assert.Equal(id, handled.MessageId);
    }

    [Fact]
    public async Task A_handler_that_fails_twice_succeeds_on_its_third_attempt()
    {
        await using var host = await RabbitMqTestHost.StartAsync(virtualHost, Unique("scanner"));
        var scan = Unique("scan");

        await host.Publisher<FlakyScan>().PublishAsync(new FlakyScan(scan, FailTimes: 2));

        await host.Log.WaitUntilAsync(runs => runs.Any(run => run.Subject == scan && run.Succeeded), "the successful attempt");
        var runs = host.Log.Runs.Where(run => run.Subject == scan).ToList();
        Assert.Equal([false, false, true], runs.Select(run => run.Succeeded));
        Assert.Equal([1, 2, 3], runs.Select(run => run.Attempt));
    }

    [Fact]
    public async Task A_message_its_handler_never_takes_ends_in_the_dead_letter_queue_with_its_reasons()
    {
        var service = Unique("pharmacy");
        // One delayed retry, short: three in-process attempts, the retry queue, three more, then the dead-letter queue.
        await using var host = await RabbitMqTestHost.StartAsync(virtualHost, service, transport: rabbit => ShortRetries(rabbit, 1));
        var pill = Unique("pill");

        var sent = await host.Publisher<PoisonPill>().PublishAsync(new PoisonPill(pill));

        var connection = await virtualHost.ConnectAsync();
        var dead = Assert.Single(await RawAmqp.TakeAsync(connection, RawAmqp.DeadLetterQueueOf<PoisonPill>(service), 1));
        Assert.Contains(pill, dead.Body);
        Assert.Equal(sent.MessageId, dead.Headers[MessageHeaders.Id]);
        Assert.Contains($"pill {pill} cannot be handled", dead.Headers[MessageHeaders.DeadLetterReason]);
        Assert.Equal(typeof(InvalidOperationException).FullName, dead.Headers[MessageHeaders.DeadLetterExceptionType]);
        Assert.Equal("hosts.poison-pill", dead.Headers[MessageHeaders.DeadLetterOriginalTopic]);
        Assert.Equal(service, dead.Headers[MessageHeaders.DeadLetterConsumerGroup]);
        Assert.Equal("3", dead.Headers[MessageHeaders.DeadLetterAttempts]);
        Assert.Equal("1", dead.Headers[RabbitMQ.Transport.RabbitMqTransportSender.RetryRoundHeader]);
        Assert.Equal([1, 2, 3, 1, 2, 3], host.Log.Runs.Where(run => run.Subject == pill).Select(run => run.Attempt));
    }

    [Fact]
    public async Task A_handler_failing_past_its_in_process_attempts_succeeds_on_a_delayed_retry()
    {
        var service = Unique("sorter");
        await using var host = await RabbitMqTestHost.StartAsync(virtualHost, service, transport: rabbit => ShortRetries(rabbit, 2));
        var scan = Unique("late");

        // Three in-process attempts fail, the first delayed retry fails once more, then succeeds.
        await host.Publisher<FlakyScan>().PublishAsync(new FlakyScan(scan, FailTimes: 4));

        await host.Log.WaitUntilAsync(runs => runs.Any(run => run.Subject == scan && run.Succeeded), "the successful delayed retry");
        var runs = host.Log.Runs.Where(run => run.Subject == scan).ToList();
        Assert.Equal([1, 2, 3, 1, 2], runs.Select(run => run.Attempt));
        Assert.Equal([false, false, false, false, true], runs.Select(run => run.Succeeded));
        Assert.Equal(0u, await TestMessages.ReadyCountAsync(await virtualHost.ConnectAsync(), RawAmqp.DeadLetterQueueOf<FlakyScan>(service)));
    }

    /// <summary>Delayed retries of 100 ms, 200 ms, ...: queues of their own (a retry queue's name carries its delay).</summary>
    private static void ShortRetries(RabbitMqTransportOptions rabbit, int count)
    {
        rabbit.RetryDelays.Clear();
        for (var i = 1; i <= count; i++)
        {
            rabbit.RetryDelays.Add(TimeSpan.FromMilliseconds(100 * i));
        }
    }

    [Fact]
    public async Task Unreadable_messages_are_dead_lettered_with_a_reason_not_requeued()
    {
        var service = Unique("customs");
        await using var host = await RabbitMqTestHost.StartAsync(virtualHost, service);
        var connection = await virtualHost.ConnectAsync();
        var queue = RawAmqp.QueueOf<CrateLoaded>(service);

        // No envelope at all, then a valid envelope around a body that is not the contract's JSON.
        await RawAmqp.SendToQueueAsync(connection, queue, "garbage without headers"u8.ToArray());
        await RawAmqp.SendToQueueAsync(connection, queue, "{ not json"u8.ToArray(), new Dictionary<string, string>
        {
            [MessageHeaders.SpecVersion] = "1.0",
            [MessageHeaders.Id] = Guid.CreateVersion7().ToString(),
            [MessageHeaders.Type] = TypeOf<CrateLoaded>(),
            [MessageHeaders.Source] = "hostile",
            [MessageHeaders.Time] = DateTimeOffset.UtcNow.ToString("O"),
            [MessageHeaders.ContentType] = MessageHeaders.JsonContentType,
        });

        var dead = await RawAmqp.TakeAsync(connection, RawAmqp.DeadLetterQueueOf<CrateLoaded>(service), 2);
        Assert.Contains(dead, message => message.Body == "garbage without headers" && message.Headers[MessageHeaders.DeadLetterReason].Length > 0);
        Assert.Contains(dead, message => message.Body == "{ not json" && message.Headers[MessageHeaders.DeadLetterReason].Length > 0);
        Assert.All(dead, message => Assert.Equal("hosts.crate-loaded", message.Headers[MessageHeaders.DeadLetterOriginalTopic]));
        Assert.Equal(0u, await TestMessages.ReadyCountAsync(connection, queue));
        Assert.DoesNotContain(host.Log.Runs, run => run.Subject.Length == 0);
    }

    [Fact]
    public async Task The_outbox_relays_events_and_commands_through_rabbitmq()
    {
        var directory = Directory.CreateTempSubdirectory("mc-rabbit-outbox-");
        try
        {
            var database = $"Data Source={Path.Combine(directory.FullName, "app.db")};Pooling=False";
            await using var host = await RabbitMqTestHost.StartAsync(virtualHost, Unique("depot"), configure: options =>
            {
                options.UseSqliteOutbox(database);
                options.Outbox.PollInterval = TimeSpan.FromMilliseconds(50);
            });
            var crate = Unique("relayed");

            await using (var connection = new SqliteConnection(database))
            {
                await connection.OpenAsync();
                await using var transaction = await connection.BeginTransactionAsync();
                var outbox = host.Services.GetRequiredService<IOutbox>();
                await outbox.EnqueueAsync(new CrateLoaded(crate), transaction);
                await outbox.EnqueueAsync(new SealCrate(crate), transaction);
                await transaction.CommitAsync();
            }

            await host.Log.WaitUntilAsync(
                runs => runs.Any(run => run.Subject == crate && run.MessageType == TypeOf<CrateLoaded>())
                    && runs.Any(run => run.Subject == crate && run.MessageType == TypeOf<SealCrate>()),
                "the relayed event and command");
            Assert.Single(host.Log.Succeeded(crate), run => run.MessageType == TypeOf<SealCrate>());
            Assert.Single(host.Log.Succeeded(crate), run => run.MessageType == TypeOf<CrateLoaded>());
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Spans_name_rabbitmq_as_their_messaging_system()
    {
        var spans = new System.Collections.Concurrent.ConcurrentQueue<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == "MessageContracts",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        await using var host = await RabbitMqTestHost.StartAsync(virtualHost, Unique("tracer"));
        var crate = Unique("traced");

        var sent = await host.Publisher<CrateLoaded>().PublishAsync(new CrateLoaded(crate));
        await host.Log.WaitUntilAsync(runs => runs.Any(run => run.Subject == crate), "the traced event");

        var ours = spans.Where(span => span.GetTagItem("messaging.message.id") as string == sent.MessageId
            || span.OperationName == "process hosts.crate-loaded").ToList();
        Assert.Contains(ours, span => span.Kind == System.Diagnostics.ActivityKind.Producer);
        Assert.Contains(ours, span => span.Kind == System.Diagnostics.ActivityKind.Consumer);
        Assert.All(ours, span => Assert.Equal("rabbitmq", span.GetTagItem("messaging.system")));
    }
}
