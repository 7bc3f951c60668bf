using System.Collections.Concurrent;
using System.Diagnostics;
using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using MessageContracts.Tests.Outbox;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Telemetry;

/// <summary>
/// The relay's <c>send</c> span, seen by an <see cref="ActivityListener"/>: one per relayed batch, linked to the
/// <c>create</c> span under which the application enqueued each message.
/// </summary>
[Collection(OutboxCollection.Name)]
public sealed class OutboxRelaySpanTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_relayed_batch_has_a_send_span_linked_to_the_enqueuing_trace()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MessagingTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(OutboxProbes.Topic);
        await using var database = await OutboxDatabase.CreateAsync(OutboxDatabase.Sqlite);
        await using var service = await OutboxHost.StartAsync(kafka, "span", sink: null, options => database.Configure(options, inbox: false), output);

        // The business operation's trace: the outbox's create spans are its children, and the relay links to them.
        ActivityTraceId trace;
        using (var operation = new Activity("place order").Start())
        {
            trace = operation.TraceId;
            await database.PlaceOrderAsync(service.Outbox, "order-1", [new OutboxProbe("order-1", 0), new OutboxProbe("order-1", 1)]);
        }

        Activity[] sends = [];
        await Eventually.UntilAsync(
            () => (sends = [.. stopped.Where(a => a.OperationName.StartsWith("send", StringComparison.Ordinal) && a.Links.Any(l => l.Context.TraceId == trace))])
                .Sum(a => a.Links.Count(l => l.Context.TraceId == trace)) >= 2,
            Patience,
            () => $"no send span linked to both messages' create spans (saw {sends.Length} linked send span(s))");

        foreach (var send in sends)
        {
            Assert.Equal(ActivityKind.Producer, send.Kind);
            Assert.Equal($"send {OutboxProbes.Topic}", send.DisplayName);
            Assert.Equal("kafka", send.GetTagItem("messaging.system"));
            Assert.Equal("send", send.GetTagItem("messaging.operation.type"));
            Assert.Equal(OutboxProbes.Topic, send.GetTagItem("messaging.destination.name"));
            Assert.Equal(send.GetTagItem("messaging.batch.message_count"), send.GetTagItem("messagecontracts.outbox.sent"));
            Assert.Equal(0, send.GetTagItem("messagecontracts.outbox.failed"));
            Assert.NotEqual(trace, send.TraceId); // A batch serves many operations: links, not a parent.
        }

        Assert.Equal(2, sends.Sum(a => (int)a.GetTagItem("messaging.batch.message_count")!));
    }
}
