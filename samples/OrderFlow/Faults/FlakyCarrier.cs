namespace OrderFlow.Faults;

/// <summary>
/// Injected failure 2: the carrier refuses the booking of one chosen order on the first two attempts, then accepts
/// it. The consumer retries the handler in place (with backoff), so the order is booked once, on attempt 3.
/// </summary>
public sealed class FlakyCarrier
{
    public const int FailingAttempts = 2;

    /// <summary>The order whose booking fails twice; set before it is placed.</summary>
    public Guid? FailingOrder { get; set; }

    public void Book(Guid orderId, int attempt)
    {
        if (orderId == FailingOrder && attempt <= FailingAttempts)
        {
            throw new CarrierUnavailableException($"The carrier refused order {orderId:N} (attempt {attempt}).");
        }
    }
}

/// <summary>The flaky carrier's failure.</summary>
public sealed class CarrierUnavailableException(string message) : Exception(message);
