using MessageContracts;

namespace OrderFlow.Brokers;

/// <summary>
/// The broker the three services share (Kafka, embedded or real, or RabbitMQ), and what the scenario asks of it apart
/// from the toolkit: point a service's options at it, inject the faults only it can inject, send a poison message as a
/// misbehaving client of another maker would, and read back which services dead-lettered it.
/// </summary>
public abstract class SampleBroker : IAsyncDisposable
{
    /// <summary>The topic (Kafka) or fanout exchange (RabbitMQ) of OrderPlaced: where the poison message goes.</summary>
    public const string OrderPlacedTopic = "order-placed";

    /// <summary>One line for the console: what runs where, and which faults can be injected.</summary>
    public abstract string Description { get; }

    /// <summary>Where the services put dead letters of OrderPlaced, for the summary.</summary>
    public abstract string DeadLetterPlace { get; }

    /// <summary>
    /// What makes the broker hold a message twice when <see cref="ArmDuplicatingFault"/> injects a fault (then the
    /// "duplicates dropped" check applies), or null when it cannot here.
    /// </summary>
    public abstract string? DuplicateCause { get; }

    /// <summary>Points a service at this broker.</summary>
    public abstract void Configure(MessageContractsOptions options);

    /// <summary>
    /// Arms fault 1, which makes the broker hold the next published message twice under one message ID; returns what
    /// happens, for the progress line, or why it cannot be done here.
    /// </summary>
    public abstract string ArmDuplicatingFault();

    /// <summary>Sends a message no MessageContracts service can read (no CloudEvents attributes, not JSON); returns its key.</summary>
    public abstract Task<string> SendPoisonAsync(CancellationToken cancellationToken);

    /// <summary>The services (consumer groups) that dead-lettered the poison message with <paramref name="key"/>, one entry per dead letter.</summary>
    public abstract Task<IReadOnlyList<string>> ServicesThatDeadLetteredAsync(string key, TimeSpan patience, CancellationToken cancellationToken);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
