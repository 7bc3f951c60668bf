using Microsoft.Extensions.Logging;

namespace MessageContracts;

/// <summary>
/// Runs one handler with its retry policy: exponential backoff with jitter, timed by <see cref="TimeProvider"/>.
/// Each handler of a message retries on its own, so a handler that already succeeded is not run again because
/// another one failed.
/// </summary>
internal sealed partial class HandlerRunner
{
    private readonly HandlerRetryPolicies policies;
    private readonly TimeProvider timeProvider;
    private readonly ILogger<HandlerRunner> logger;

    public HandlerRunner(HandlerRetryPolicies policies, TimeProvider timeProvider, ILogger<HandlerRunner> logger)
    {
        this.policies = policies;
        this.timeProvider = timeProvider;
        this.logger = logger;
    }

    public async Task RunAsync<TMessage>(IMessageHandler<TMessage> handler, TMessage message, MessageContext context, CancellationToken cancellationToken)
        where TMessage : IMessageContract<TMessage>
    {
        var handlerType = handler.GetType();
        var policy = policies.For(handlerType);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await handler.HandleAsync(message, attempt == 1 ? context : context.WithAttempt(attempt), cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception exception) when (attempt < policy.MaxAttempts)
            {
                MessagingTelemetry.Retried.Add(1, MessagingTelemetry.Destination(context.Topic));
                var delay = policy.DelayAfter(attempt, Random.Shared);
                LogRetry(exception, handlerType.Name, context.MessageType, context.MessageId, attempt, policy.MaxAttempts, delay);
                await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                throw new HandlerFailedException(handlerType, attempt, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Handler} failed for '{MessageType}' message {MessageId} (attempt {Attempt} of {MaxAttempts}); retrying in {Delay}")]
    private partial void LogRetry(Exception exception, string handler, string messageType, string messageId, int attempt, int maxAttempts, TimeSpan delay);
}
