namespace MessageContracts;

/// <summary>The retry policy of each handler type, resolved once from the options.</summary>
internal sealed class HandlerRetryPolicies
{
    private readonly RetryOptions defaults;
    private readonly IReadOnlyDictionary<Type, RetryOptions> perHandler;

    public HandlerRetryPolicies(RetryOptions defaults, IReadOnlyDictionary<Type, RetryOptions> perHandler)
    {
        this.defaults = defaults;
        this.perHandler = perHandler;
    }

    public RetryOptions For(Type handlerType) => perHandler.TryGetValue(handlerType, out var options) ? options : defaults;
}
