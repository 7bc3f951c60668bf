using System.Diagnostics.Metrics;

namespace MessageContracts;

/// <summary>The producer failure policy's instruments, on the toolkit's <see cref="MessagingTelemetry.Meter"/>.</summary>
internal static class PublishFailureTelemetry
{
    /// <summary>The tag naming the policy that handled a failure: <c>Retry</c>, <c>Ignore</c> or <c>LogFailure</c>.</summary>
    public const string PolicyTag = "messagecontracts.publish.failure_policy";

    /// <summary>Publishes Kafka did not acknowledge, tagged with the topic, the error and the policy.</summary>
    public static readonly Counter<long> PublishFailed = MessagingTelemetry.Meter.CreateCounter<long>(
        "messagecontracts.messages.publish_failed", "{message}", "Publishes Kafka did not acknowledge, by failure policy.");

    /// <summary>Records written to the publish failure log.</summary>
    public static readonly Counter<long> Logged = MessagingTelemetry.Meter.CreateCounter<long>(
        "messagecontracts.publish_failures.logged", "{message}", "Messages written to the publish failure log.");

    /// <summary>Logged records a replay delivered.</summary>
    public static readonly Counter<long> Replayed = MessagingTelemetry.Meter.CreateCounter<long>(
        "messagecontracts.publish_failures.replayed", "{message}", "Logged messages a replay delivered.");

    public static KeyValuePair<string, object?>[] Tags(string messagingSystem, string topic, string errorType, PublishFailurePolicy policy) =>
    [
        new("messaging.system", messagingSystem),
        new(MessagingTelemetry.DestinationAttribute, topic),
        new("error.type", errorType),
        new(PolicyTag, policy.ToString()),
    ];
}
