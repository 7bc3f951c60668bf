using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>The <see cref="IEventPublisher{TEvent}"/> the container hands out: one Kafka record per event.</summary>
internal sealed class KafkaEventPublisher<TEvent> : IEventPublisher<TEvent>
    where TEvent : IEventContract<TEvent>
{
    private readonly ContractProducer<TEvent> producer;

    public KafkaEventPublisher(KafkaProducerConnection connection, IOptions<MessageContractsOptions> options, TimeProvider timeProvider)
    {
        producer = new ContractProducer<TEvent>(connection, options, timeProvider);
    }

    public Task<PublishResult> PublishAsync(TEvent message, CancellationToken cancellationToken = default) =>
        producer.ProduceAsync(message, cancellationToken);
}
