using System.Globalization;

namespace MessageContracts;

/// <summary>
/// The producer's librdkafka timeouts, derived from <see cref="MessageContractsOptions.PublishTimeout"/> so that a
/// produce request that hangs is re-sent (same bytes, same message ID) before the publish runs out of time, and the
/// check that the user's producer settings (<see cref="MessageContractsOptions.ProducerSettings"/> and the
/// <see cref="MessageContractsOptions.ConfigureProducer"/> hooks) do not undo that.
/// </summary>
/// <remarks>
/// <para>
/// librdkafka gives up on one produce request after the lesser of <c>socket.timeout.ms</c> and the message's remaining
/// <c>message.timeout.ms</c> (rd_kafka_ProduceRequest, rd_kafka_buf_calc_timeout), tears the connection down
/// (<c>socket.max.fails</c> = 1) and retries the batch on a new connection: the idempotent producer re-sends it with
/// its original sequence numbers, so a broker that did append the first copy drops the second. With librdkafka's
/// default socket timeout (60 s) above the toolkit's publish timeout (30 s) a hung request was never re-sent: every
/// message in it timed out, although the broker was answering again long before.
/// </para>
/// <para>
/// So the request timeout is a third of the publish timeout (10 s by default; at most librdkafka's 60 s default): a
/// hung request is re-sent at least once, usually twice, inside the publish timeout. librdkafka checks timeouts once a
/// second, so each attempt takes up to a second longer. The broker's own wait for replicas (<c>request.timeout.ms</c>)
/// is half of that, so a slow broker answers with a retriable error before the client stops listening.
/// </para>
/// </remarks>
internal readonly record struct ProducerTimeouts(int MessageTimeoutMs, int SocketTimeoutMs, int RequestTimeoutMs)
{
    public const string MessageTimeoutKey = "message.timeout.ms";
    public const string DeliveryTimeoutKey = "delivery.timeout.ms";
    public const string SocketTimeoutKey = "socket.timeout.ms";
    public const string RequestTimeoutKey = "request.timeout.ms";
    public const string RetriesKey = "retries";
    public const string MessageSendMaxRetriesKey = "message.send.max.retries";
    public const string SocketMaxFailsKey = "socket.max.fails";

    // librdkafka's range for socket.timeout.ms is 10 ms to 300 s; past its own 60 s default nothing is gained.
    private const int MinSocketTimeoutMs = 10;
    private const int MaxSocketTimeoutMs = 60_000;

    /// <summary>The timeouts for <paramref name="options"/>: derived from the publish timeout, or the user's own where valid.</summary>
    public static ProducerTimeouts For(MessageContractsOptions options) => For(options, options.UserProducerSettings());

    /// <summary>The timeouts for <paramref name="options"/> and the user's producer settings, <paramref name="settings"/>.</summary>
    public static ProducerTimeouts For(MessageContractsOptions options, ClientSettings settings)
    {
        var messageTimeout = ToMilliseconds(options.PublishTimeout);
        var socketTimeout = settings.ReadInt(SocketTimeoutKey) ?? Math.Clamp(messageTimeout / 3, MinSocketTimeoutMs, MaxSocketTimeoutMs);
        var requestTimeout = settings.ReadInt(RequestTimeoutKey) ?? Math.Max(1, socketTimeout / 2);
        return new ProducerTimeouts(messageTimeout, socketTimeout, requestTimeout);
    }

    /// <summary>
    /// The user's producer settings (<see cref="MessageContractsOptions.ProducerSettings"/>, the
    /// <see cref="MessageContractsOptions.ConfigureProducer"/> hooks) that would stop a hung request from being
    /// re-sent within the publish timeout, each as an error that says what to change.
    /// </summary>
    public static IEnumerable<string> FindConflicts(MessageContractsOptions options)
    {
        var settings = options.UserProducerSettings();
        foreach (var key in (string[])[MessageTimeoutKey, DeliveryTimeoutKey])
        {
            if (settings.ContainsKey(key))
            {
                yield return $"{settings.SourceOf(key)} sets '{key}': the publish timeout is MessageContractsOptions.PublishTimeout, and the producer's other timeouts are derived from it. Remove the setting and set PublishTimeout instead.";
            }
        }

        foreach (var key in (string[])[SocketTimeoutKey, RequestTimeoutKey, RetriesKey, MessageSendMaxRetriesKey, SocketMaxFailsKey])
        {
            if (settings.TryGetValue(key, out var text) && !int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                yield return $"{settings.Describe(key)} is '{text}', which is not a whole number of the kind librdkafka expects. Remove it or give a number.";
            }
        }

        if (options.PublishTimeout <= TimeSpan.Zero || options.PublishTimeout.TotalMilliseconds > int.MaxValue)
        {
            // PublishFailureOptionsValidator reports it; nothing below can be judged against it.
            yield break;
        }

        var timeouts = For(options, settings);
        if (settings.ContainsKey(SocketTimeoutKey) && timeouts.SocketTimeoutMs * 2L >= timeouts.MessageTimeoutMs)
        {
            yield return $"{settings.Describe(SocketTimeoutKey)} is {timeouts.SocketTimeoutMs} ms, not less than half of PublishTimeout ({timeouts.MessageTimeoutMs} ms): a produce request that hangs would not be re-sent before the publish times out. Remove the setting (the toolkit uses a third of PublishTimeout, {Math.Clamp(timeouts.MessageTimeoutMs / 3, MinSocketTimeoutMs, MaxSocketTimeoutMs)} ms) or set it below {(timeouts.MessageTimeoutMs + 1) / 2} ms.";
        }

        if (settings.ContainsKey(RequestTimeoutKey) && timeouts.RequestTimeoutMs >= timeouts.SocketTimeoutMs)
        {
            yield return $"{settings.Describe(RequestTimeoutKey)} is {timeouts.RequestTimeoutMs} ms, not less than the client's request timeout (socket.timeout.ms, {timeouts.SocketTimeoutMs} ms): the broker would keep waiting for replicas after the client stopped listening, so a slow write could never be answered. Remove the setting or set it below {timeouts.SocketTimeoutMs} ms.";
        }

        foreach (var key in (string[])[RetriesKey, MessageSendMaxRetriesKey])
        {
            if (settings.ReadInt(key) is 0)
            {
                yield return $"{settings.Describe(key)} is 0: a produce request that failed or hung would never be re-sent. Remove the setting (the producer retries until PublishTimeout runs out).";
            }
        }

        if (settings.ReadInt(SocketMaxFailsKey) is 0)
        {
            yield return $"{settings.Describe(SocketMaxFailsKey)} is 0: after a request times out the connection would be kept, and a broker that answers requests in order would hold the re-sent request behind the hung one. Remove the setting.";
        }
    }

    private static int ToMilliseconds(TimeSpan timeout) => (int)Math.Clamp(Math.Ceiling(timeout.TotalMilliseconds), 1, int.MaxValue);
}
