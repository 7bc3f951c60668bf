using System.Diagnostics;
using System.Text;
using MessageContracts.Transports;

namespace MessageContracts;

/// <summary>
/// The relay's span, one per relayed batch: a <c>send</c> span (OpenTelemetry messaging conventions, operation type
/// <c>send</c>) from the hand-over to the transport until the acknowledged rows are marked sent, linked to the <c>create</c> span
/// of each row's enqueue (whose trace context the row's headers carry), since a batch has many parents.
/// </summary>
internal static class OutboxRelaySpan
{
    public static Activity? Start(IReadOnlyList<OutboxMessage> rows, OutboundMessage[] messages, string messagingSystem)
    {
        if (!MessagingTelemetry.ActivitySource.HasListeners())
        {
            return null;
        }

        var topic = rows[0].Topic;
        var oneTopic = rows.All(row => row.Topic == topic);
        var links = new List<ActivityLink>(messages.Length);
        foreach (var message in messages)
        {
            if (message.Headers.TryGetLast(MessageHeaders.TraceParent, out var traceParent) && traceParent is not null
                && ActivityContext.TryParse(Encoding.UTF8.GetString(traceParent), null, out var context))
            {
                links.Add(new ActivityLink(context));
            }
        }

        // Span names carry the destination only when there is one (a batch may span topics).
        var activity = MessagingTelemetry.ActivitySource.StartActivity(
            oneTopic ? $"send {topic}" : "send", ActivityKind.Producer, parentContext: default, tags: null, links: links);
        activity?.SetTag("messaging.system", messagingSystem);
        activity?.SetTag("messaging.operation.type", "send");
        activity?.SetTag("messaging.operation.name", "send");
        activity?.SetTag("messaging.batch.message_count", rows.Count);
        if (oneTopic)
        {
            activity?.SetTag(MessagingTelemetry.DestinationAttribute, topic);
        }

        return activity;
    }

    public static void Finish(Activity? activity, int sent, int failed)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("messagecontracts.outbox.sent", sent);
        activity.SetTag("messagecontracts.outbox.failed", failed);
        if (failed > 0)
        {
            activity.SetStatus(ActivityStatusCode.Error, $"{failed} row(s) not delivered; they stay unsent.");
            activity.SetTag("error.type", "delivery_failed");
        }
    }
}
