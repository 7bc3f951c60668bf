using MessageContracts;

namespace OrderFlow;

/// <summary>Loyalty reacts to every order by asking for points: one point per whole currency unit.</summary>
[Idempotent] // sending the same GrantPoints twice is absorbed: the command carries the order's ID.
public sealed class AwardPointsOnOrder(ICommandSender<GrantPoints> points, Ledger ledger) : IMessageHandler<OrderPlaced>
{
    public async Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken cancellationToken)
    {
        ledger.OrderSeen(message, context);
        await points.SendAsync(new GrantPoints(message.CustomerId, (int)message.Total, message.OrderId), cancellationToken);
    }
}

/// <summary>The one handler of GrantPoints: credits the customer once per order.</summary>
[Idempotent] // the ledger keys grants by order ID, so a redelivered command changes nothing.
public sealed class GrantPointsHandler(Ledger ledger) : IMessageHandler<GrantPoints>
{
    public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken)
    {
        ledger.Grant(message, context);
        return Task.CompletedTask;
    }
}
