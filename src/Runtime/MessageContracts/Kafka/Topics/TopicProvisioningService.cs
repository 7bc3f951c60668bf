using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// At startup, before the consumer subscribes (it is registered, and so started, before the consumer), creates the
/// topics this service handles and their dead-letter topics when missing, waiting at most
/// <see cref="TopicProvisioningOptions.Timeout"/>.
/// </summary>
internal sealed class TopicProvisioningService(HandlerCatalog catalog, TopicProvisioner provisioner, IOptions<MessageContractsOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.UsesKafka || !settings.TopicProvisioning.Enabled || catalog.Topics.Count == 0)
        {
            return;
        }

        var topics = catalog.Topics.Concat(catalog.Topics.Select(topic => topic + settings.DeadLetterTopicSuffix));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.TopicProvisioning.Timeout);
        try
        {
            await provisioner.EnsureAsync(topics, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Out of time: the creation goes on in the background, and the provisioner logs its outcome.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
