namespace MessageContracts;

/// <summary>A handler kept failing until its retries were spent; the record goes to the dead-letter topic.</summary>
internal sealed class HandlerFailedException : Exception
{
    public HandlerFailedException(Type handlerType, int attempts, Exception lastError)
        : base($"{handlerType.Name} failed {attempts} time(s); the last error was {lastError.GetType().Name}: {lastError.Message}", lastError)
    {
        HandlerType = handlerType;
        Attempts = attempts;
    }

    public Type HandlerType { get; }

    public int Attempts { get; }
}
