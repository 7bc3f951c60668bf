namespace MessageContracts.Redis.Tests.Support;

/// <summary>Waits for state only Redis can show (pending lists, stream lengths), by asking it until it holds.</summary>
public static class Eventually
{
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string expected)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Expected {expected} within {timeout}.");
            }

            await Task.Delay(20);
        }
    }
}
