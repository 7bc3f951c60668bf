using Microsoft.Extensions.Hosting;

namespace MessageContracts.Redis;

/// <summary>The Redis transport's receiving side: the stream receiver and the pub/sub receiver, started in that order and stopped together.</summary>
internal sealed class RedisReceivers(IHostedService streams, IHostedService pubSub) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await streams.StartAsync(cancellationToken).ConfigureAwait(false);
        await pubSub.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(streams.StopAsync(cancellationToken), pubSub.StopAsync(cancellationToken));
}
