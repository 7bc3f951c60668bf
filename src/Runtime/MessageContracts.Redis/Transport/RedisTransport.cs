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
        return new RedisStreamSender(connection, options, new RedisStreamNaming(options, core), services.GetService<TimeProvider>() ?? TimeProvider.System);
    }

    public override IHostedService CreateReceiver(IServiceProvider services)
    {
        var core = services.GetRequiredService<IOptions<MessageContractsOptions>>().Value;
        var sender = services.GetRequiredService<ITransportSender>() as RedisStreamSender
            ?? throw new InvalidOperationException("The Redis receiver needs the Redis sender (UseRedis registers it); another ITransportSender was registered.");
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("MessageContracts.Redis") ?? NullLogger.Instance;
        return new RedisStreamReceiver(
            sender,
            services.GetRequiredService<IInboundRecordPipeline>(),
            options,
            core,
            new RedisStreamNaming(options, core),
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            logger);
    }
}
