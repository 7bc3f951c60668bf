using Faults.Contracts;

namespace MessageContracts.RabbitMQ.Tests.Faults;

/// <summary>The fault tests' probe, handled in the test process: every run is in the host's <see cref="HostLog"/>.</summary>
[Idempotent]
public sealed class FaultProbeHandler(HostLog log) : IMessageHandler<FaultProbe>
{
    public Task HandleAsync(FaultProbe message, MessageContext context, CancellationToken cancellationToken)
    {
        log.Add(context, message.Key, succeeded: true);
        return Task.CompletedTask;
    }
}
