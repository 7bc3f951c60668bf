using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace MessageContracts.Redis;

/// <summary>
/// Redis Streams behind the transport seam: chosen with <c>UseRedis</c>. The sender owns the service's connection; the
/// receiver, built only when the service has handlers, shares it.
/// </summary>
internal sealed class RedisTransport(string configuration, RedisTransportOptions options) : MessageTransport
{
    public override string Name => "redis";

    // Nothing is promised in general: order holds per stream only with one consumer in the group, and an acknowledged
    // entry survives a restart only with AOF persistence (docs/transports.md, "Redis").
    public override TransportCapabilities Capabilities => TransportCapabilities.None;

    public override ITransportSender CreateSender(IServiceProvider services)
    {
        var core = services.GetRequiredService<IOptions<MessageContractsOptions>>().Value;
        var connection = ConnectionMultiplexer.Connect(RedisConnections.Options(configuration, core.ServiceName));
        var streams = new RedisStreamSender(connection, options, new RedisStreamNaming(options, core), services.GetService<TimeProvider>() ?? TimeProvider.System);
        return new RedisTransportSender(streams, new RedisPubSubSender(connection, options, Logger(services)));
    }

    public override IHostedService CreateReceiver(IServiceProvider services)
    {
        var core = services.GetRequiredService<IOptions<MessageContractsOptions>>().Value;
        var sender = (services.GetRequiredService<ITransportSender>() as RedisTransportSender)?.Streams
            ?? throw new InvalidOperationException("The Redis receiver needs the Redis sender (UseRedis registers it); another ITransportSender was registered.");
        var logger = Logger(services);
        var pipeline = services.GetRequiredService<IInboundRecordPipeline>();
        var pubSubTopics = RedisPubSubRouting.HandledTopics();
        var streams = new RedisStreamReceiver(
            sender,
            new SourceFilteredPipeline(pipeline, topic => !pubSubTopics.Contains(topic)),
            options,
            core,
            new RedisStreamNaming(options, core),
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            logger);
        var pubSub = new RedisPubSubReceiver(sender.Connection, new SourceFilteredPipeline(pipeline, pubSubTopics.Contains), options, core.MaxConcurrency, logger);
        return new RedisReceivers(streams, pubSub);
    }

    private static ILogger Logger(IServiceProvider services) =>
        services.GetService<ILoggerFactory>()?.CreateLogger("MessageContracts.Redis") ?? NullLogger.Instance;
}
