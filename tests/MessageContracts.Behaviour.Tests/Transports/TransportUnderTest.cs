namespace MessageContracts.Behaviour.Tests.Transports;

/// <summary>
/// The broker a behaviour test runs on, seen only through what a transport-neutral test needs: pointing a host at it,
/// writing records no publisher would write, reading what was dead-lettered, and knowing when a service has settled
/// everything sent to it. One instance serves one test class (an xunit class fixture); each test begins with
/// <see cref="BeginTestAsync"/>, which gives it a broker namespace of its own.
/// </summary>
/// <remarks>
/// A new transport plugs in with one file: a subclass of this, and one-line subclasses of the suite's test classes
/// bound to it (see Kafka/KafkaSuite.cs). Nothing here names a broker's client types. A destination is always a
/// contract's topic name; <see cref="SuiteDestinations.KindOf"/> says whether it is an event's or a command's, for a
/// broker that lays the two out differently.
/// </remarks>
public abstract class TransportUnderTest : IAsyncLifetime
{
    /// <summary>The transport's name in test output: <c>kafka</c>, <c>rabbitmq</c>, <c>redis</c>.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Whether this broker can carry a record with these headers at all. AMQP header names, for one, are at most 255
    /// bytes: a hostile case the wire cannot express is left out of the run (and named in the test output) rather
    /// than failed. Defaults to true.
    /// </summary>
    public virtual bool CanCarry(IReadOnlyList<KeyValuePair<string, byte[]>> headers) => true;

    /// <summary>Connects to (or starts) the broker, once per test class. Fails, never skips, when it is unreachable.</summary>
    public virtual Task InitializeAsync() => Task.CompletedTask;

    /// <summary>
    /// Gives the test about to run an empty broker namespace of its own (a fresh embedded cluster, a new virtual host,
    /// a new key prefix), so nothing an earlier test sent or left behind reaches it. Called before every test; what the
    /// previous test used may be dropped here.
    /// </summary>
    public abstract Task BeginTestAsync();

    /// <summary>
    /// Points a host at the current test's broker namespace, as <paramref name="service"/>: every instance configured
    /// with the same service name shares one copy of each event and the work of each command; different service names
    /// each get their own copy of an event. Called from <c>AddMessageContracts</c>, after the suite set
    /// <see cref="MessageContractsOptions.ServiceName"/> and <see cref="MessageContractsOptions.ConsumerGroup"/> to
    /// <paramref name="service"/>, and before the test's own settings.
    /// </summary>
    public abstract void Configure(MessageContractsOptions options, string service);

    /// <summary>
    /// Writes one record to <paramref name="destinationOfContract"/> (a contract's topic name, as
    /// <c>OutboundMessage.Destination</c> carries it) exactly as given, bypassing the toolkit's publisher: the way a
    /// broken or hostile producer would. Header values are raw bytes (not necessarily UTF-8); an empty list means a
    /// record with no headers at all. Completes once the broker has the record.
    /// </summary>
    public abstract Task SendRawAsync(
        string destinationOfContract, byte[]? key, byte[] value, IReadOnlyList<KeyValuePair<string, byte[]>> headers);

    /// <summary>
    /// Waits until <paramref name="service"/> has settled every record sent to <paramref name="destinationOfContract"/>
    /// so far: each one handled, dropped as a duplicate, skipped or dead-lettered, and acknowledged to the broker (Kafka:
    /// the group committed every partition to its end; RabbitMQ: the service's queue has nothing ready or unacked;
    /// Redis: the group has nothing pending and has read to the stream's end). After it, nothing more happens to those
    /// records, so counts of effects and dead letters are final. Throws <see cref="TimeoutException"/> after
    /// <paramref name="timeout"/>.
    /// </summary>
    public abstract Task WaitUntilSettledAsync(string destinationOfContract, string service, TimeSpan timeout);

    /// <summary>
    /// The records <paramref name="service"/> dead-lettered from <paramref name="destinationOfContract"/>, with their
    /// original key, body and headers and the toolkit's reason headers (<see cref="MessageHeaders.DeadLetterReason"/>
    /// and the other <c>mc_dlt_*</c> names, as on Kafka). Waits until there are at least <paramref name="atLeast"/>
    /// (0: returns what is there now), then returns all of them; throws <see cref="TimeoutException"/> after
    /// <paramref name="timeout"/>. Call <see cref="WaitUntilSettledAsync"/> first to make the list final.
    /// </summary>
    public abstract Task<IReadOnlyList<DeadLetterSeen>> ReadDeadLettersAsync(
        string destinationOfContract, string service, int atLeast, TimeSpan timeout);

    /// <summary>Drops whatever the last test used and disconnects.</summary>
    public virtual Task DisposeAsync() => Task.CompletedTask;
}
