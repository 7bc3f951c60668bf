using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// Runs the receiving side of a transport other than Kafka (whose consumer is its own hosted service): built from the
/// options' transport when the host starts, stopped with it. Does nothing under Kafka.
/// </summary>
internal sealed class TransportReceiverService(IServiceProvider services, IOptions<MessageContractsOptions> options) : IHostedService
{
    private IHostedService? receiver;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.UsesKafka)
        {
            return Task.CompletedTask;
        }

        receiver = settings.EffectiveTransport.CreateReceiver(services);
        return receiver.StartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => receiver?.StopAsync(cancellationToken) ?? Task.CompletedTask;
}
