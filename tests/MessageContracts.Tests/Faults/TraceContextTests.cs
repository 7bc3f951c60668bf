using System.Collections.Concurrent;
using System.Diagnostics;
using Faults.Contracts;
using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Faults;

/// <summary>W3C trace context travels in the record's headers: the consumer's process span, and so the handler's activity, is a child of the publish span.</summary>
[Collection(FaultsCollection.Name)]
public sealed class TraceContextTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_handler_runs_in_a_process_span_that_is_a_child_of_the_publish_span()
    {
        // Sample everything of the MessageContracts source, as an OpenTelemetry exporter subscribed to it would.
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MessagingTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(Probes.Topic);
        var group = "faults-" + Guid.NewGuid().ToString("N");
        await using var host = await FaultHost.StartAsync(kafka, group, output: output);

        var published = (await host.PublishAllAsync([new FaultProbe("traced", 0, FaultProbeBehaviors.Ok)])).Single();
        await KafkaProbe.WaitUntilCommittedToEndAsync(kafka.BootstrapServers, group, Probes.Topic, Patience);

        var publish = Assert.Single(stopped, a => a.Kind == ActivityKind.Producer && Tag(a, "messaging.message.id") == published.MessageId);
        var process = Assert.Single(stopped, a => a.Kind == ActivityKind.Consumer && Tag(a, "messaging.message.id") == published.MessageId);
        var effect = Assert.Single(host.Effects.Snapshot());

        Assert.Equal($"publish {Probes.Topic}", publish.OperationName);
        Assert.Equal($"process {Probes.Topic}", process.OperationName);

        // The process span continues the publisher's trace, as the publish span's child ...
        Assert.Equal(publish.TraceId, process.TraceId);
        Assert.Equal(publish.SpanId, process.ParentSpanId);
        Assert.Equal(group, Tag(process, "messaging.consumer.group.name"));

        // ... and the handler runs inside it: its Activity.Current is that span.
        Assert.Equal(publish.TraceId, effect.TraceId);
        Assert.Equal(process.SpanId, effect.SpanId);
        Assert.Equal(publish.SpanId, effect.ParentSpanId);
    }

    private static string? Tag(Activity activity, string name) => activity.GetTagItem(name) as string;
}
