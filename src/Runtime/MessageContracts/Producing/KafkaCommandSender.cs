using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>The <see cref="ICommandSender{TCommand}"/> the container hands out: one message per command, sent through the transport (the name is historical: Kafka by default).</summary>
internal sealed class KafkaCommandSender<TCommand> : ICommandSender<TCommand>
    where TCommand : ICommandContract<TCommand>
{
    private readonly ContractProducer<TCommand> producer;

    public KafkaCommandSender(
        MessageContracts.Transports.ITransportSender sender,
        IOptions<MessageContractsOptions> options,
        TimeProvider timeProvider,
        PublishFailureHandler failureHandler)
    {
        producer = new ContractProducer<TCommand>(sender, options, timeProvider, failureHandler);
    }

    public Task<PublishResult> SendAsync(TCommand message, CancellationToken cancellationToken = default) =>
        producer.ProduceAsync(message, policy: null, givenMessageId: null, cancellationToken);

    public Task<PublishResult> SendAsync(TCommand message, PublishFailurePolicy policy, CancellationToken cancellationToken = default) =>
        producer.ProduceAsync(message, policy, givenMessageId: null, cancellationToken);

    public Task<PublishResult> SendAsync(TCommand message, PublishOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return producer.ProduceAsync(message, options.FailurePolicy, options.MessageId, cancellationToken);
    }
}
