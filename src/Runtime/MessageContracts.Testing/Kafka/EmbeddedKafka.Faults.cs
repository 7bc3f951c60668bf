using Confluent.Kafka;
using MessageContracts.Testing.Kafka.Native;

namespace MessageContracts.Testing;

// Topics and fault injection: each method is one call into librdkafka's mock API, checked.
public sealed partial class EmbeddedKafka
{
    /// <summary>Creates a topic (rd_kafka_mock_topic_create).</summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="partitions">The number of partitions, at least 1.</param>
    /// <param name="replicationFactor">The number of replicas, from 1 to <see cref="BrokerCount"/>.</param>
    /// <exception cref="KafkaException">The mock refused, e.g. with <see cref="ErrorCode.TopicAlreadyExists"/>.</exception>
    public void CreateTopic(string topic, int partitions = 1, int replicationFactor = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(replicationFactor, BrokerCount);
        ThrowIfDisposed();

        int error = LibrdkafkaMock.TopicCreate(cluster, topic, partitions, replicationFactor);
        ThrowIfError(error, $"Could not create topic '{topic}' with {partitions} partition(s) and replication factor {replicationFactor}");
    }

    /// <summary>
    /// Makes the next requests of type <paramref name="apiKey"/>, to any broker, fail with
    /// <paramref name="errors"/>, one error per request in order (rd_kafka_mock_push_request_errors_array).
    /// </summary>
    /// <param name="apiKey">The request type the errors apply to.</param>
    /// <param name="errors">
    /// The errors to answer with. Kafka error codes are returned in the response;
    /// <see cref="ErrorCode.Local_Transport"/> makes the broker drop the connection instead.
    /// </param>
    /// <remarks>Errors pushed per broker (<see cref="PushBrokerRequestErrors"/>) are served before these.</remarks>
    public void PushRequestErrors(KafkaApiKey apiKey, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Length == 0)
        {
            throw new ArgumentException("Give at least one error to push.", nameof(errors));
        }

        ThrowIfDisposed();

        var codes = new int[errors.Length];
        for (int i = 0; i < errors.Length; i++)
        {
            codes[i] = (int)errors[i];
        }

        LibrdkafkaMock.PushRequestErrorsArray(cluster, (short)apiKey, (nuint)codes.Length, codes);
    }

    /// <summary>
    /// Makes the next requests of type <paramref name="apiKey"/> to broker <paramref name="brokerId"/>
    /// answer with the given errors, each after the given delay, one pair per request in order
    /// (rd_kafka_mock_broker_push_request_error_rtts).
    /// </summary>
    /// <param name="brokerId">A broker id from 1 to <see cref="BrokerCount"/> (not <see cref="AllBrokers"/>).</param>
    /// <param name="apiKey">The request type the errors apply to.</param>
    /// <param name="errors">
    /// Pairs of an error (<see cref="ErrorCode.NoError"/> to answer normally) and the delay before the
    /// response is sent. <c>(NoError, a delay above the client's request timeout)</c> is a request that
    /// succeeded but whose answer the client never saw in time.
    /// </param>
    /// <remarks>
    /// The mock handles the request when it arrives and delays only the response: a delayed produce is
    /// already appended. These errors are served before those of <see cref="PushRequestErrors"/>.
    /// </remarks>
    /// <exception cref="KafkaException">There is no broker <paramref name="brokerId"/>.</exception>
    /// <exception cref="PlatformNotSupportedException">On Apple arm64, where this variadic C function cannot be called safely.</exception>
    public void PushBrokerRequestErrors(int brokerId, KafkaApiKey apiKey, params (ErrorCode Error, TimeSpan RoundTripTime)[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Length == 0)
        {
            throw new ArgumentException("Give at least one (error, round-trip time) pair to push.", nameof(errors));
        }

        if (!LibrdkafkaMock.IsFixedArityVariadicCallSafe)
        {
            throw new PlatformNotSupportedException(
                "PushBrokerRequestErrors calls a variadic librdkafka function, which this platform's calling convention (Apple arm64) does not let .NET call safely. Use PushRequestErrors or SetBrokerRoundTripTime instead.");
        }

        // Convert every delay before pushing any, so a bad argument leaves the broker's queue untouched.
        var delays = new int[errors.Length];
        for (int i = 0; i < errors.Length; i++)
        {
            delays[i] = ToMilliseconds(errors[i].RoundTripTime, nameof(errors));
        }

        ThrowIfDisposed();

        // One pair per call: see LibrdkafkaMock.BrokerPushOneRequestErrorRtt for why.
        for (int i = 0; i < errors.Length; i++)
        {
            int error = LibrdkafkaMock.BrokerPushOneRequestErrorRtt(cluster, brokerId, (short)apiKey, 1, (int)errors[i].Error, delays[i]);
            ThrowIfError(error, $"Could not push request errors for broker {brokerId} (this cluster has brokers 1 to {BrokerCount})");
        }
    }

    /// <summary>
    /// Takes a broker down (rd_kafka_mock_broker_set_down): it closes its client connections and refuses new
    /// ones until <see cref="SetBrokerUp"/>. Its partitions stay assigned to it, so they are unavailable.
    /// </summary>
    /// <param name="brokerId">A broker id from 1 to <see cref="BrokerCount"/>, or <see cref="AllBrokers"/> (-1).</param>
    /// <exception cref="KafkaException">There is no broker <paramref name="brokerId"/>.</exception>
    public void SetBrokerDown(int brokerId)
    {
        ThrowIfDisposed();
        int error = LibrdkafkaMock.BrokerSetDown(cluster, brokerId);
        ThrowIfError(error, DescribeBrokerFailure("take down", brokerId));
    }

    /// <summary>Brings a broker back up after <see cref="SetBrokerDown"/> (rd_kafka_mock_broker_set_up), on the same port.</summary>
    /// <param name="brokerId">A broker id from 1 to <see cref="BrokerCount"/>, or <see cref="AllBrokers"/> (-1).</param>
    /// <exception cref="KafkaException">There is no broker <paramref name="brokerId"/>.</exception>
    public void SetBrokerUp(int brokerId)
    {
        ThrowIfDisposed();
        int error = LibrdkafkaMock.BrokerSetUp(cluster, brokerId);
        ThrowIfError(error, DescribeBrokerFailure("bring up", brokerId));
    }

    /// <summary>
    /// Delays every response of a broker by <paramref name="roundTripTime"/> (rd_kafka_mock_broker_set_rtt),
    /// until changed again; <see cref="TimeSpan.Zero"/> removes the delay.
    /// </summary>
    /// <param name="brokerId">A broker id from 1 to <see cref="BrokerCount"/>, or <see cref="AllBrokers"/> (-1).</param>
    /// <param name="roundTripTime">The delay, at millisecond resolution.</param>
    /// <exception cref="KafkaException">There is no broker <paramref name="brokerId"/>.</exception>
    public void SetBrokerRoundTripTime(int brokerId, TimeSpan roundTripTime)
    {
        int milliseconds = ToMilliseconds(roundTripTime, nameof(roundTripTime));
        ThrowIfDisposed();
        int error = LibrdkafkaMock.BrokerSetRtt(cluster, brokerId, milliseconds);
        ThrowIfError(error, DescribeBrokerFailure("set the round-trip time of", brokerId));
    }

    private string DescribeBrokerFailure(string action, int brokerId)
    {
        return $"Could not {action} broker {brokerId} (this cluster has brokers 1 to {BrokerCount}, or -1 for all)";
    }

    private static void ThrowIfError(int error, string what)
    {
        if (error == 0)
        {
            return;
        }

        var code = (ErrorCode)error;
        throw new KafkaException(new Error(code, $"{what}: {code} ({code.GetReason()})."));
    }
}
