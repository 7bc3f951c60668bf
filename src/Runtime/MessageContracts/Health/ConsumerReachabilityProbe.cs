using Confluent.Kafka;

namespace MessageContracts;

/// <summary>
/// Ends the consumer's "all brokers down" state when a broker is back but no assignment or record says so (an outage
/// shorter than the session timeout on an idle topic): while the state is set, and at most every few seconds, asks for
/// metadata on the consumer's own connection. Runs on the poll thread, which owns the consumer, so the handle is alive.
/// </summary>
internal sealed class ConsumerReachabilityProbe(KafkaClientHealth health)
{
    private static readonly long IntervalMs = (long)TimeSpan.FromSeconds(5).TotalMilliseconds;
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(500);
    private long lastProbeMs;

    public void ProbeIfDown(IConsumer<byte[]?, byte[]?> consumer)
    {
        var now = Environment.TickCount64;
        if (health.AllBrokersDownSince is null || now - lastProbeMs < IntervalMs)
        {
            return;
        }

        lastProbeMs = now;
        try
        {
            using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
            if (admin.GetMetadata(Timeout).Brokers.Count > 0)
            {
                health.MarkReachable();
            }
        }
        catch (KafkaException)
        {
            // Still down: the state stays, the next probe comes after the interval.
        }
    }
}
