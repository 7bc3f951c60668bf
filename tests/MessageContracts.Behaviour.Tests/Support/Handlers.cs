namespace MessageContracts.Behaviour.Tests.Support;

// Each host of a test registers only the handler of its behaviour (BehaviourHost's handler filter), and each host has a
// HandlerLog of its own: what one service (or instance) did is told apart from what another did.

[Idempotent]
public sealed class FanOutHandler(HandlerLog log) : IMessageHandler<FanOutHappened>
{
    public Task HandleAsync(FanOutHappened message, MessageContext context, CancellationToken cancellationToken)
    {
        log.Attempt(context);
        log.Effect(context, message);
        return Task.CompletedTask;
    }
}

[Idempotent]
public sealed class OwnedCommandHandler(HandlerLog log) : IMessageHandler<OwnedCommand>
{
    public Task HandleAsync(OwnedCommand message, MessageContext context, CancellationToken cancellationToken)
    {
        log.Attempt(context);
        log.Effect(context, message);
        return Task.CompletedTask;
    }
}

[Idempotent]
public sealed class DedupHandler(HandlerLog log) : IMessageHandler<DedupProbe>
{
    public Task HandleAsync(DedupProbe message, MessageContext context, CancellationToken cancellationToken)
    {
        log.Attempt(context);
        log.Effect(context, message);
        return Task.CompletedTask;
    }
}

/// <summary>Fails the first <see cref="RetryProbe.Failures"/> attempts of each message, then has its effect.</summary>
[Idempotent]
public sealed class RetryHandler(HandlerLog log) : IMessageHandler<RetryProbe>
{
    public Task HandleAsync(RetryProbe message, MessageContext context, CancellationToken cancellationToken)
    {
        if (log.Attempt(context) <= message.Failures)
        {
            throw new InvalidOperationException($"Transient failure of {message.Key}.");
        }

        log.Effect(context, message);
        return Task.CompletedTask;
    }
}

[Idempotent]
public sealed class DeadLetterHandler(HandlerLog log) : IMessageHandler<DeadLetterProbe>
{
    public const string Failure = "cannot be handled, ever";

    public Task HandleAsync(DeadLetterProbe message, MessageContext context, CancellationToken cancellationToken)
    {
        log.Attempt(context);
        if (message.AlwaysFail)
        {
            throw new InvalidOperationException($"{message.Key} {Failure}.");
        }

        log.Effect(context, message);
        return Task.CompletedTask;
    }
}

[Idempotent]
public sealed class OutboxHandler(HandlerLog log) : IMessageHandler<OutboxProbe>
{
    public Task HandleAsync(OutboxProbe message, MessageContext context, CancellationToken cancellationToken)
    {
        log.Attempt(context);
        log.Effect(context, message);
        return Task.CompletedTask;
    }
}

[Idempotent]
public sealed class PoisonHandler(HandlerLog log) : IMessageHandler<PoisonProbe>
{
    public Task HandleAsync(PoisonProbe message, MessageContext context, CancellationToken cancellationToken)
    {
        log.Attempt(context);
        log.Effect(context, message);
        return Task.CompletedTask;
    }
}

[Idempotent]
public sealed class HostileHandler(HandlerLog log) : IMessageHandler<HostileProbe>
{
    public Task HandleAsync(HostileProbe message, MessageContext context, CancellationToken cancellationToken)
    {
        log.Attempt(context);
        log.Effect(context, message);
        return Task.CompletedTask;
    }
}
