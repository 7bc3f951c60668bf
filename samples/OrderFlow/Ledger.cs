using System.Collections.Concurrent;
using MessageContracts;

namespace OrderFlow;

/// <summary>The sample's state: what each service saw. In memory, so it is gone when the sample exits.</summary>
public sealed class Ledger
{
    private readonly ConcurrentDictionary<Guid, GrantPoints> grantsByOrder = new();
    private readonly ConcurrentDictionary<string, int> pointsByCustomer = new();
    private int ordersSeen;

    public int OrdersSeen => Volatile.Read(ref ordersSeen);

    public int GrantsApplied => grantsByOrder.Count;

    public IReadOnlyDictionary<string, int> PointsByCustomer => pointsByCustomer;

    public event Action? Changed;

    public void OrderSeen(OrderPlaced order, MessageContext context)
    {
        Interlocked.Increment(ref ordersSeen);
        Console.WriteLine($"  loyalty   <- OrderPlaced {order.OrderId:N} ({order.CustomerId}, {order.Total}) id={context.MessageId} partition={context.Partition}");
        Changed?.Invoke();
    }

    public void Grant(GrantPoints grant, MessageContext context)
    {
        // Idempotent by order: a second delivery of the same grant adds nothing.
        if (grantsByOrder.TryAdd(grant.OrderId, grant))
        {
            pointsByCustomer.AddOrUpdate(grant.CustomerId, grant.Points, (_, points) => points + grant.Points);
            Console.WriteLine($"  points    <- GrantPoints {grant.Points} to {grant.CustomerId} id={context.MessageId}");
        }

        Changed?.Invoke();
    }
}
