using System.Runtime.InteropServices;

namespace MessageContracts.Testing.Kafka.Native;

/// <summary>
/// P/Invoke declarations for the parts of librdkafka's C API (rdkafka.h, rdkafka_mock.h) the embedded
/// cluster uses, written against librdkafka 2.16.0's headers.
/// </summary>
/// <remarks>
/// rdkafka_mock.h calls the mock API experimental, with no ABI promise: these declarations hold for the
/// pinned librdkafka version and are covered by the tests. <c>rd_kafka_resp_err_t</c> is a C enum (an
/// <c>int</c>), <c>int16_t ApiKey</c> a <c>short</c>, <c>size_t</c> a <c>nuint</c>.
/// Call <see cref="LibrdkafkaBinding.EnsureInstalled"/> before the first call.
/// </remarks>
internal static partial class LibrdkafkaMock
{
    /// <summary>rd_kafka_type_t RD_KAFKA_PRODUCER.</summary>
    internal const int ProducerType = 0;

    [LibraryImport(LibrdkafkaBinding.LibraryName, EntryPoint = "rd_kafka_conf_new")]
    internal static partial IntPtr ConfNew();

    [LibraryImport(LibrdkafkaBinding.LibraryName, EntryPoint = "rd_kafka_conf_destroy")]
    internal static partial void ConfDestroy(IntPtr conf);

    /// <summary>
    /// rd_kafka_conf_set: returns RD_KAFKA_CONF_OK (0) on success and writes a message into
    /// <paramref name="errorText"/> otherwise.
    /// </summary>
    [LibraryImport(LibrdkafkaBinding.LibraryName, EntryPoint = "rd_kafka_conf_set", StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int ConfSet(IntPtr conf, string name, string value, byte* errorText, nuint errorTextSize);

    /// <summary>
    /// rd_kafka_new: takes ownership of <paramref name="conf"/> on success only; on failure it returns
    /// null, writes a message into <paramref name="errorText"/> and the caller still owns the conf.
    /// </summary>
    [LibraryImport(LibrdkafkaBinding.LibraryName, EntryPoint = "rd_kafka_new")]
    internal static unsafe partial IntPtr KafkaNew(int type, IntPtr conf, byte* errorText, nuint errorTextSize);

    /// <summary>rd_kafka_destroy: blocks until the handle's threads have stopped.</summary>
    [LibraryImport(LibrdkafkaBinding.LibraryName, EntryPoint = "rd_kafka_destroy")]
    internal static partial void KafkaDestroy(IntPtr rk);

    [LibraryImport(LibrdkafkaBinding.LibraryName, EntryPoint = "rd_kafka_mock_cluster_new")]
    internal static partial IntPtr ClusterNew(IntPtr rk, int brokerCount);

    /// <summary>rd_kafka_mock_cluster_destroy: stops the cluster's thread and closes its sockets.</summary>
    [LibraryImport(LibrdkafkaBinding.LibraryName, EntryPoint = "rd_kafka_mock_cluster_destroy")]
    internal static partial void ClusterDestroy(IntPtr cluster);

    /// <summary>rd_kafka_mock_cluster_bootstraps: a string the cluster owns; copy it, never free it.</summary>
    [LibraryImport(LibrdkafkaBinding.LibraryName, EntryPoint = "rd_kafka_mock_cluster_bootstraps")]
    internal static partial IntPtr ClusterBootstraps(MockClusterHandle cluster);

    [LibraryImport(LibrdkafkaBinding.LibraryName, EntryPoint = "rd_kafka_mock_topic_create", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int TopicCreate(MockClusterHandle cluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(LibrdkafkaBinding.LibraryName, EntryPoint = "rd_kafka_mock_push_request_errors_array")]
    internal static partial void PushRequestErrorsArray(MockClusterHandle cluster, short apiKey, nuint count, int[] errors);

    /// <summary>
    /// rd_kafka_mock_broker_push_request_error_rtts with exactly one (error, rtt) pair.
    /// </summary>
    /// <remarks>
    /// The C function is variadic: <c>(cluster, broker_id, ApiKey, cnt, ...)</c> followed by cnt pairs of
    /// <c>(rd_kafka_resp_err_t err, int rtt_ms)</c>, and rdkafka_mock.h has no array form of it. .NET cannot
    /// declare a variadic import on every platform, so we declare one fixed arity, cnt = 1, with the pair as
    /// two ordinary int arguments. That matches the variadic call where the platform passes variadic integer
    /// arguments exactly like fixed ones: x86-64 System V (six integer registers; the AL register, which
    /// tells a variadic callee how many vector registers hold arguments, only makes it save them, so any
    /// value is harmless), Windows x64, Linux arm64 and 32-bit x86 (all on the stack). It does not match on
    /// Apple arm64, where variadic arguments always go on the stack: <see cref="IsFixedArityVariadicCallSafe"/>
    /// is false there and callers must not use this. Pushing several pairs is one call per pair: each call
    /// appends to the broker's queue under the cluster's lock, so order is kept.
    /// </remarks>
    [LibraryImport(LibrdkafkaBinding.LibraryName, EntryPoint = "rd_kafka_mock_broker_push_request_error_rtts")]
    internal static partial int BrokerPushOneRequestErrorRtt(MockClusterHandle cluster, int brokerId, short apiKey, nuint count, int error, int rttMs);

    /// <summary>True where <see cref="BrokerPushOneRequestErrorRtt"/> passes its pair the way the variadic C function reads it.</summary>
    internal static bool IsFixedArityVariadicCallSafe =>
        !(OperatingSystem.IsMacOS() || OperatingSystem.IsIOS()) || RuntimeInformation.ProcessArchitecture != Architecture.Arm64;

    [LibraryImport(LibrdkafkaBinding.LibraryName, EntryPoint = "rd_kafka_mock_broker_set_down")]
    internal static partial int BrokerSetDown(MockClusterHandle cluster, int brokerId);

    [LibraryImport(LibrdkafkaBinding.LibraryName, EntryPoint = "rd_kafka_mock_broker_set_up")]
    internal static partial int BrokerSetUp(MockClusterHandle cluster, int brokerId);

    [LibraryImport(LibrdkafkaBinding.LibraryName, EntryPoint = "rd_kafka_mock_broker_set_rtt")]
    internal static partial int BrokerSetRtt(MockClusterHandle cluster, int brokerId, int rttMs);

    [LibraryImport(LibrdkafkaBinding.LibraryName, EntryPoint = "rd_kafka_mock_start_request_tracking")]
    internal static partial void StartRequestTracking(MockClusterHandle cluster);

    [LibraryImport(LibrdkafkaBinding.LibraryName, EntryPoint = "rd_kafka_mock_clear_requests")]
    internal static partial void ClearRequests(MockClusterHandle cluster);

    /// <summary>
    /// rd_kafka_mock_get_requests: a copy of the tracked requests, which the caller frees with
    /// <see cref="DestroyRequestArray"/>; null when there are none.
    /// </summary>
    [LibraryImport(LibrdkafkaBinding.LibraryName, EntryPoint = "rd_kafka_mock_get_requests")]
    internal static unsafe partial IntPtr* GetRequests(MockClusterHandle cluster, out nuint count);

    [LibraryImport(LibrdkafkaBinding.LibraryName, EntryPoint = "rd_kafka_mock_request_api_key")]
    internal static partial short RequestApiKey(IntPtr request);

    [LibraryImport(LibrdkafkaBinding.LibraryName, EntryPoint = "rd_kafka_mock_request_destroy_array")]
    internal static unsafe partial void DestroyRequestArray(IntPtr* requests, nuint count);

    /// <summary>rd_kafka_mock_group_initial_rebalance_delay_ms: the broker setting group.initial.rebalance.delay.ms, for the whole cluster.</summary>
    [LibraryImport(LibrdkafkaBinding.LibraryName, EntryPoint = "rd_kafka_mock_group_initial_rebalance_delay_ms")]
    internal static partial void SetGroupInitialRebalanceDelay(MockClusterHandle cluster, int delayMs);
}
