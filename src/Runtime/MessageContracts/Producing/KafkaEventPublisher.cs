using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>The <see cref="IEventPublisher{TEvent}"/> the container hands out: one message per event, sent through the transport (the name is historical: Kafka by default).</summary>
internal sealed class KafkaEventPublisher<TEvent> : IEventPublisher<TEvent>
    where TEvent : IEventContract<TEvent>
{
    private readonly ContractProducer<TEvent> producer;

    public KafkaEventPublisher(
        MessageContracts.Transports.ITransportSender sender,
        IOptions<MessageContractsOptions> options,
        TimeProvider timeProvider,
        PublishFailureHandler failureHandler)
    {
        producer = new ContractProducer<TEvent>(sender, options, timeProvider, failureHandler);
    }

    public Task<PublishResult> PublishAsync(TEvent message, CancellationToken cancellationToken = default) =>
        producer.ProduceAsync(message, policy: null, givenMessageId: null, cancellationToken);

    public Task<PublishResult> PublishAsync(TEvent message, PublishFailurePolicy policy, CancellationToken cancellationToken = default) =>
        producer.ProduceAsync(message, policy, givenMessageId: null, cancellationToken);

    public Task<PublishResult> PublishAsync(TEvent message, PublishOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return producer.ProduceAsync(message, options.FailurePolicy, options.MessageId, cancellationToken);
    }
}
