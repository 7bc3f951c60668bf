using System.Runtime.InteropServices;

namespace MessageContracts.Testing.Kafka.Native;

/// <summary>
/// Owns one mock cluster and the bare librdkafka handle it runs on, and destroys both exactly once.
/// </summary>
/// <remarks>
/// A <see cref="SafeHandle"/> because it gives what hand-written disposal would have to copy: release runs
/// once even when Dispose races the finalizer, and a native call that takes this handle keeps it alive
/// (the marshaller adds a reference) so disposing while a fault is being injected on another thread waits
/// for that call instead of freeing the cluster under it.
/// </remarks>
internal sealed class MockClusterHandle : SafeHandle
{
    private readonly IntPtr kafkaHandle;

    /// <summary>Required by the interop marshaller; never used to own anything.</summary>
    public MockClusterHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    private MockClusterHandle(IntPtr cluster, IntPtr kafkaHandle)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        this.kafkaHandle = kafkaHandle;
        SetHandle(cluster);
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>
    /// Creates a bare producer handle (no bootstrap servers: it never connects anywhere) and a mock cluster
    /// with <paramref name="brokerCount"/> brokers on it. The brokers listen on 127.0.0.1 when this returns.
    /// </summary>
    internal static unsafe MockClusterHandle Create(int brokerCount)
    {
        const int errorTextSize = 512;
        byte* errorText = stackalloc byte[errorTextSize];
        errorText[0] = 0;

        IntPtr conf = LibrdkafkaMock.ConfNew();
        if (conf == IntPtr.Zero)
        {
            throw new InvalidOperationException("rd_kafka_conf_new returned null: could not create a librdkafka configuration for the embedded Kafka.");
        }

        // The bare handle has no bootstrap.servers (it never connects anywhere), which librdkafka reports at
        // notice level (5) on every start. Level 4 drops that noise and keeps warnings and errors, which the
        // mock cluster also logs through this handle.
        if (LibrdkafkaMock.ConfSet(conf, "log_level", "4", errorText, errorTextSize) != 0)
        {
            LibrdkafkaMock.ConfDestroy(conf);
            string reason = Marshal.PtrToStringUTF8((IntPtr)errorText) ?? "no reason given";
            throw new InvalidOperationException($"rd_kafka_conf_set(log_level) failed, so the embedded Kafka could not start: {reason}");
        }

        IntPtr rk = LibrdkafkaMock.KafkaNew(LibrdkafkaMock.ProducerType, conf, errorText, errorTextSize);
        if (rk == IntPtr.Zero)
        {
            // rd_kafka_new leaves the conf with us when it fails.
            LibrdkafkaMock.ConfDestroy(conf);
            string reason = Marshal.PtrToStringUTF8((IntPtr)errorText) ?? "no reason given";
            throw new InvalidOperationException($"rd_kafka_new failed, so the embedded Kafka could not start: {reason}");
        }

        IntPtr cluster = LibrdkafkaMock.ClusterNew(rk, brokerCount);
        if (cluster == IntPtr.Zero)
        {
            LibrdkafkaMock.KafkaDestroy(rk);
            throw new InvalidOperationException(
                $"rd_kafka_mock_cluster_new failed to create a mock cluster with {brokerCount} broker(s), " +
                "so the embedded Kafka could not start (librdkafka logs the reason, usually a socket that could not be bound, to stderr).");
        }

        return new MockClusterHandle(cluster, rk);
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        // Order matters: the cluster runs its thread on the librdkafka handle's resources, so it goes first.
        // Both calls join their threads and close their sockets before returning.
        LibrdkafkaMock.ClusterDestroy(handle);
        LibrdkafkaMock.KafkaDestroy(kafkaHandle);
        return true;
    }
}
