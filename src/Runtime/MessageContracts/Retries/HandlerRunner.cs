using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// Runs one handler with its retry policy: exponential backoff with jitter, timed by <see cref="TimeProvider"/>.
/// Each handler of a message retries on its own, so a handler that already succeeded is not run again because
/// another one failed.
/// </summary>
internal sealed partial class HandlerRunner
{
    private const string AttemptSavepoint = "mc_handler_attempt";

    private readonly HandlerRetryPolicies policies;
    private readonly TimeProvider timeProvider;
    private readonly ILogger<HandlerRunner> logger;
    private readonly string consumerGroup;

    public HandlerRunner(HandlerRetryPolicies policies, TimeProvider timeProvider, IOptions<MessageContractsOptions> options, ILogger<HandlerRunner> logger)
    {
        consumerGroup = options.Value.ConsumerGroup;
        this.policies = policies;
        this.timeProvider = timeProvider;
        this.logger = logger;
    }

    public async Task RunAsync<TMessage>(IMessageHandler<TMessage> handler, TMessage message, MessageContext context, CancellationToken cancellationToken)
        where TMessage : IMessageContract<TMessage>
    {
        var handlerType = handler.GetType();
        var policy = policies.For(handlerType);
        var transaction = context.Transaction;
        for (var attempt = 1; ; attempt++)
        {
            // In the transactional inbox each attempt runs inside a savepoint, so a failed attempt's writes are undone.
            // A savepoint command that fails means the database is away: that escapes, and the whole unit is run again.
            if (transaction is not null)
            {
                await transaction.SaveAsync(AttemptSavepoint, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                await handler.HandleAsync(message, attempt == 1 ? context : context.WithAttempt(attempt), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception exception) when (attempt < policy.MaxAttempts)
            {
                await RollBackAttemptAsync(transaction, cancellationToken).ConfigureAwait(false);
                MessagingTelemetry.Retried.Add(1, MessagingTelemetry.Consumed(context.Topic, consumerGroup));
                var delay = policy.DelayAfter(attempt, Random.Shared);
                LogRetry(exception, handlerType.Name, context.MessageType, context.MessageId, attempt, policy.MaxAttempts, delay);
                await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (Exception exception)
            {
                await RollBackAttemptAsync(transaction, cancellationToken).ConfigureAwait(false);
                throw new HandlerFailedException(handlerType, attempt, exception);
            }

            if (transaction is not null)
            {
                await transaction.ReleaseAsync(AttemptSavepoint, cancellationToken).ConfigureAwait(false);
            }

            return;
        }
    }

    private static Task RollBackAttemptAsync(System.Data.Common.DbTransaction? transaction, CancellationToken cancellationToken) =>
        transaction is null ? Task.CompletedTask : transaction.RollbackAsync(AttemptSavepoint, cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Handler} failed for '{MessageType}' message {MessageId} (attempt {Attempt} of {MaxAttempts}); retrying in {Delay}")]
    private partial void LogRetry(Exception exception, string handler, string messageType, string messageId, int attempt, int maxAttempts, TimeSpan delay);
}
