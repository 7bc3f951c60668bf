using System.Collections.ObjectModel;

namespace MessageContracts.Testing.Kafka;

/// <summary>The librdkafka client settings that suit the mock cluster, and why each one is there.</summary>
/// <remarks>
/// Each entry was measured against the mock (librdkafka 2.16.0) and kept only because it made a visible
/// difference; reconnect and retry backoffs were tried too and did not, so they are not here.
/// </remarks>
internal static class EmbeddedKafkaClientSettings
{
    /// <summary>The settings behind <see cref="EmbeddedKafka.RecommendedClientSettings"/>.</summary>
    internal static IReadOnlyDictionary<string, string> Recommended { get; } = Create();

    private static ReadOnlyDictionary<string, string> Create()
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            // Consumer. The mock holds an empty fetch for the whole fetch.wait.max.ms instead of answering
            // when data arrives: with the default 500 ms a message produced after a quiet moment reached an
            // assigned consumer in about 200 ms; with 5 ms, in about 10 ms.
            ["fetch.wait.max.ms"] = "5",

            // Consumer. The mock re-forms a group whose last member left only after the session timeout
            // minus one second: 44 s with the default 45 s; about 3 s with 4 s. Heartbeats must come well
            // inside the session timeout, hence 1 s.
            ["session.timeout.ms"] = "4000",
            ["heartbeat.interval.ms"] = "1000",

            // Any client. A consumer subscribed to a topic that does not exist yet saw it about 4 s after it
            // was created with the default (300 s); about 1 s with 1 s.
            ["topic.metadata.refresh.interval.ms"] = "1000",
        };

        return new ReadOnlyDictionary<string, string>(settings);
    }
}
