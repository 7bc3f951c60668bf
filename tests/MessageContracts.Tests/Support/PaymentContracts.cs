using Microsoft.Extensions.DependencyInjection;

namespace MessageContracts.Tests.Support;

// Contracts whose message ID is derived from a business value ([MessageId]), for the tests of business message IDs.

[Event]
public sealed partial record PaymentCaptured([property: PartitionKey, MessageId] string PaymentId, decimal Amount);

[Event]
public sealed partial record PaymentRefunded([property: PartitionKey, MessageId] string PaymentId, decimal Amount);

/// <summary>
/// Records payments in the host's <see cref="Received{TMessage}"/> sinks when the host has them. Every host of this test
/// assembly registers every handler the generator found, so the sinks are resolved only when a payment arrives.
/// </summary>
[Idempotent]
public sealed class PaymentHandler(IServiceProvider services) : IMessageHandler<PaymentCaptured>, IMessageHandler<PaymentRefunded>
{
    public Task HandleAsync(PaymentCaptured message, MessageContext context, CancellationToken cancellationToken)
    {
        services.GetService<Received<PaymentCaptured>>()?.Add(message, context);
        return Task.CompletedTask;
    }

    public Task HandleAsync(PaymentRefunded message, MessageContext context, CancellationToken cancellationToken)
    {
        services.GetService<Received<PaymentRefunded>>()?.Add(message, context);
        return Task.CompletedTask;
    }
}
