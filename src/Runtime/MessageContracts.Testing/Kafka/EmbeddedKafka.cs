using MessageContracts.Testing.Kafka;
using MessageContracts.Testing.Kafka.Native;

namespace MessageContracts.Testing;

/// <summary>
/// An in-process Kafka for tests, samples and local runs: librdkafka's mock cluster, speaking the real
/// Kafka protocol over real TCP sockets on 127.0.0.1, with fault injection.
/// </summary>
/// <remarks>
/// <para>
/// Any Kafka client can connect to <see cref="BootstrapServers"/>. The cluster lives in this process and
/// loses everything when disposed. Topics are created on first use (auto-creation) or explicitly with
/// <see cref="CreateTopic"/>; the admin client's CreateTopics request is not implemented by the mock.
/// </para>
/// <para>
/// It runs inside the librdkafka library that Confluent.Kafka loaded, through librdkafka's experimental
/// mock API (no ABI promise): it is tested against the librdkafka version this package depends on.
/// </para>
/// </remarks>
public sealed partial class EmbeddedKafka : IAsyncDisposable, IDisposable
{
    /// <summary>Broker id meaning "every broker", for <see cref="SetBrokerDown"/>, <see cref="SetBrokerUp"/> and <see cref="SetBrokerRoundTripTime"/>.</summary>
    public const int AllBrokers = -1;

    private readonly MockClusterHandle cluster;

    private EmbeddedKafka(MockClusterHandle cluster, int brokerCount, string bootstrapServers)
    {
        this.cluster = cluster;
        BrokerCount = brokerCount;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>The <c>host:port,...</c> list clients use as <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>The number of brokers; their ids run from 1 to <see cref="BrokerCount"/>.</summary>
    public int BrokerCount { get; }

    /// <summary>
    /// librdkafka client settings that suit the mock cluster, to add to a producer's, consumer's or admin
    /// client's configuration (they are meant for the embedded cluster, not for real clusters).
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item><c>fetch.wait.max.ms=5</c>: the mock holds an empty fetch for the whole wait instead of answering
    /// when data arrives, so the default 500 ms delays messages after every quiet moment.</item>
    /// <item><c>session.timeout.ms=4000</c>, <c>heartbeat.interval.ms=1000</c>: the mock re-forms a group whose
    /// last member left only after the session timeout minus one second (44 s with the defaults).</item>
    /// <item><c>topic.metadata.refresh.interval.ms=1000</c>: a consumer subscribed to a topic created later
    /// sees it sooner.</item>
    /// </list>
    /// The first three are consumer settings; librdkafka ignores them in a producer and logs a warning saying so.
    /// </remarks>
    public IReadOnlyDictionary<string, string> RecommendedClientSettings => EmbeddedKafkaClientSettings.Recommended;

    /// <summary>Starts a mock cluster whose brokers are listening when the returned task completes.</summary>
    /// <param name="options">Cluster settings; null for the defaults (one broker).</param>
    /// <param name="cancellationToken">Cancels the start before it begins.</param>
    /// <returns>The running cluster; dispose it to stop it and free its threads and sockets.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <see cref="EmbeddedKafkaOptions.BrokerCount"/> is less than 1, or <see cref="EmbeddedKafkaOptions.GroupInitialRebalanceDelay"/> is negative.
    /// </exception>
    /// <exception cref="InvalidOperationException">librdkafka could not be found or the cluster could not start.</exception>
    public static Task<EmbeddedKafka> StartAsync(EmbeddedKafkaOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EmbeddedKafkaOptions();
        if (options.BrokerCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BrokerCount, "EmbeddedKafkaOptions.BrokerCount must be at least 1.");
        }

        int rebalanceDelayMs = ToMilliseconds(options.GroupInitialRebalanceDelay, nameof(options));

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<EmbeddedKafka>(cancellationToken);
        }

        LibrdkafkaBinding.EnsureInstalled();

        // Creating the cluster takes milliseconds (it binds its listeners and starts a few threads), so it runs
        // on the caller's thread; the Task leaves room to wait for more in future without breaking callers.
        MockClusterHandle cluster = MockClusterHandle.Create(options.BrokerCount);
        try
        {
            LibrdkafkaMock.SetGroupInitialRebalanceDelay(cluster, rebalanceDelayMs);
            string bootstrapServers = ReadBootstrapServers(cluster);
            return Task.FromResult(new EmbeddedKafka(cluster, options.BrokerCount, bootstrapServers));
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>Stops the cluster: closes its listeners and client connections and stops its threads. Safe to call more than once.</summary>
    public void Dispose()
    {
        cluster.Dispose();
    }

    /// <summary>Stops the cluster, as <see cref="Dispose"/> does. Safe to call more than once.</summary>
    /// <returns>A completed task: stopping takes milliseconds.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return default;
    }

    private static string ReadBootstrapServers(MockClusterHandle cluster)
    {
        IntPtr text = LibrdkafkaMock.ClusterBootstraps(cluster);
        string? bootstrapServers = System.Runtime.InteropServices.Marshal.PtrToStringUTF8(text);
        if (string.IsNullOrEmpty(bootstrapServers))
        {
            throw new InvalidOperationException("rd_kafka_mock_cluster_bootstraps returned no address for the embedded Kafka.");
        }

        return bootstrapServers;
    }

    // The mock API takes whole milliseconds as a C int.
    private static int ToMilliseconds(TimeSpan delay, string parameterName)
    {
        if (delay < TimeSpan.Zero || delay.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(parameterName, delay, "A delay must be between zero and int.MaxValue milliseconds.");
        }

        return (int)delay.TotalMilliseconds;
    }

    private void ThrowIfDisposed()
    {
        ObjectDisposedException.ThrowIf(cluster.IsClosed, this);
    }
}
