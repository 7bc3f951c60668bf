using MessageContracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OrderFlow.Services;

/// <summary>
/// One service of the sample: its own host, container, consumer group and store, as if it ran in a process of its
/// own. All three share this assembly, so each runs only the handlers of its namespace (the handler filter).
/// </summary>
public static class ServiceHost
{
    public static async Task<IHost> StartAsync(
        string name,
        string? handlerNamespace,
        SampleEnvironment environment,
        Action<IServiceCollection> addServices,
        Action<MessageContractsOptions> configure,
        CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        // The sample narrates the failures itself; the toolkit's own retry and dead-letter warnings would break the progress line.
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        // Dead-lettering the poison record is logged as an error: here it is the expected outcome, narrated instead.
        builder.Logging.AddFilter("MessageContracts.RecordProcessor", LogLevel.Critical);
        addServices(builder.Services);
        builder.Services.AddMessageContracts(
            options =>
            {
                environment.UseBroker(options);
                options.ServiceName = name;
                options.ConsumerGroup = name;
                configure(options);
            },
            handlerType => handlerNamespace is not null && handlerType.Namespace == handlerNamespace);

        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }
}
