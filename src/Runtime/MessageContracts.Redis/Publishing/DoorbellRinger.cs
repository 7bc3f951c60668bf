using System.Collections.Concurrent;
using StackExchange.Redis;

namespace MessageContracts.Redis;

/// <summary>
/// Rings a stream's doorbell (a <c>PUBLISH</c> on its channel) after a publish to it, with at most one <c>PUBLISH</c> in
/// flight per stream: a ring while one is in flight is remembered, and one more is sent when it completes. So every
/// publish is still followed by a doorbell sent after its <c>XADD</c> was stored (what wakes a waiting consumer in time),
/// and a burst of publishes costs a few doorbells instead of one per message (each one a command for Redis and a
/// message for every subscribed consumer, which made the doorbell half of the publishing work).
/// </summary>
internal sealed class DoorbellRinger(IConnectionMultiplexer connection, RedisStreamNaming naming)
{
    private readonly ConcurrentDictionary<string, Bell> bells = new(StringComparer.Ordinal);

    /// <summary>A publish to <paramref name="destination"/> was stored: ring its doorbell now, or after the ring in flight.</summary>
    public void Ring(string destination)
    {
        var bell = bells.GetOrAdd(destination, static (topic, names) => new Bell(names.Doorbell(topic)), naming);
        lock (bell)
        {
            if (bell.InFlight)
            {
                bell.Again = true;
                return;
            }

            bell.InFlight = true;
        }

        Send(bell);
    }

    private void Send(Bell bell)
    {
        Task sent;
        try
        {
            sent = connection.GetSubscriber().PublishAsync(bell.Channel, RedisValue.EmptyString);
        }
        catch (Exception exception) when (exception is RedisException or ObjectDisposedException)
        {
            // A missed doorbell only delays the consumers to their next poll.
            lock (bell)
            {
                bell.InFlight = false;
                bell.Again = false;
            }

            return;
        }

        sent.ContinueWith(
            static (task, state) =>
            {
                // A failed ring is as good as a missed one: observed here, so it is not reported as unobserved.
                _ = task.Exception;
                var (ringer, bell) = ((DoorbellRinger, Bell))state!;
                ringer.Completed(bell);
            },
            (this, bell),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void Completed(Bell bell)
    {
        lock (bell)
        {
            if (!bell.Again)
            {
                bell.InFlight = false;
                return;
            }

            bell.Again = false;
        }

        Send(bell);
    }

    private sealed class Bell(RedisChannel channel)
    {
        public RedisChannel Channel { get; } = channel;

        public bool InFlight { get; set; }

        public bool Again { get; set; }
    }
}
