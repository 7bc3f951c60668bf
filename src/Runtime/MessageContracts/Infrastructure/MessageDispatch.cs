using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;

namespace MessageContracts.Infrastructure;

/// <summary>The generic half of generated dispatch: deserialize with the contract's generated reader, run the handlers.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class MessageDispatch
{
    /// <summary>
    /// Deserializes <paramref name="payload"/> as <typeparamref name="TMessage"/> and runs every registered
    /// <see cref="IMessageHandler{TMessage}"/> in registration order, each with its own retry policy.
    /// </summary>
    /// <exception cref="MessageDeserializationException">The payload is not a valid <typeparamref name="TMessage"/>.</exception>
    public static async Task InvokeHandlersAsync<TMessage>(
        ReadOnlyMemory<byte> payload,
        MessageContext context,
        IServiceProvider services,
        CancellationToken cancellationToken)
        where TMessage : IMessageContract<TMessage>
    {
        var message = TMessage.Deserialize(payload.Span);

        // Outside AddMessageContracts (a bare container in a test) there is no retry policy: one attempt each.
        var runner = services.GetService<HandlerRunner>();
        foreach (var handler in services.GetServices<IMessageHandler<TMessage>>())
        {
            if (runner is null)
            {
                await handler.HandleAsync(message, context, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await runner.RunAsync(handler, message, context, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
