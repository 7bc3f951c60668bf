using System.Diagnostics.Metrics;

namespace MessageContracts;

/// <summary>The outbox's instruments, on the <see cref="MessagingTelemetry"/> meter.</summary>
internal static class OutboxTelemetry
{
    internal static readonly Counter<long> Enqueued = MessagingTelemetry.Meter.CreateCounter<long>(
        "messagecontracts.outbox.enqueued", "{message}", "Messages written to the outbox (their transaction may still roll back).");

    internal static readonly Counter<long> Relayed = MessagingTelemetry.Meter.CreateCounter<long>(
        "messagecontracts.outbox.relayed", "{message}", "Outbox rows acknowledged by Kafka and marked sent.");

    internal static readonly Counter<long> RelayFailed = MessagingTelemetry.Meter.CreateCounter<long>(
        "messagecontracts.outbox.relay_failed", "{message}", "Outbox rows whose delivery failed; they stay unsent and hold back their bucket.");

    internal static readonly Histogram<double> Lag = MessagingTelemetry.Meter.CreateHistogram<double>(
        "messagecontracts.outbox.lag", "s", "Time from enqueue to Kafka's acknowledgement, per relayed row.");
}
