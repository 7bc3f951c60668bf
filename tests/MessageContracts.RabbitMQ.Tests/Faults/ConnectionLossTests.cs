using System.Diagnostics;
using MessageContracts.RabbitMQ.Transport;
using MessageContracts.Transports;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace MessageContracts.RabbitMQ.Tests.Faults;

/// <summary>
/// A dropped connection, as the broker drops it (closed through the management API, the broker and its other
/// virtual hosts untouched): a publish in flight ends within its timeout, the consumers resume by themselves, and
/// publishes after the recovery are delivered and handled once.
/// </summary>
public sealed class ConnectionLossTests(RabbitMqVirtualHost virtualHost) : IClassFixture<RabbitMqVirtualHost>
{
    [Fact]
    public async Task After_the_broker_drops_the_connections_publishing_and_consuming_resume()
    {
        var service = "loss-" + Guid.NewGuid().ToString("N")[..8];
        var publishTimeout = TimeSpan.FromSeconds(5);
        await using var host = await RabbitMqTestHost.StartAsync(virtualHost, service, configure: options => options.PublishTimeout = publishTimeout);
        var sender = (RabbitMqTransportSender)host.Services.GetRequiredService<ITransportSender>();
        var publishing = await sender.ConnectionAsync();
        var recovered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        publishing.RecoverySucceededAsync += (_, _) =>
        {
            recovered.TrySetResult();
            return Task.CompletedTask;
        };
        var publisher = host.Publisher<CrateLoaded>();
        await publisher.PublishAsync(new CrateLoaded("before"));
        await host.Log.WaitUntilAsync(runs => runs.Any(run => run.Subject == "before"), "the message before the drop");

        // A publish in flight while every connection of the service is closed by the broker.
        var watch = Stopwatch.StartNew();
        var inFlight = publisher.PublishAsync(new CrateLoaded("in-flight"));
        Assert.True(await BrokerConnections.CloseAllAsync(virtualHost, $"{service} publisher", $"{service} consumer") >= 2);

        string? failedId = null;
        try
        {
            await inFlight;
        }
        catch (PublishException failure)
        {
            failedId = failure.MessageId;
        }

        Assert.True(watch.Elapsed < publishTimeout + TimeSpan.FromSeconds(2), $"The publish in flight took {watch.Elapsed}, past its timeout of {publishTimeout}.");

        await recovered.Task.WaitAsync(TimeSpan.FromSeconds(60));
        if (failedId is not null)
        {
            // Failed or possibly stored: published again under its ID, handled once either way.
            await publisher.PublishAsync(new CrateLoaded("in-flight"), new PublishOptions { MessageId = failedId });
        }

        await publisher.PublishAsync(new CrateLoaded("after"));

        await host.Log.WaitUntilAsync(
            runs => runs.Any(run => run.Subject == "after") && runs.Any(run => run.Subject == "in-flight"),
            "the messages published around and after the drop");
        Assert.Single(host.Log.Succeeded("in-flight"));
        Assert.Single(host.Log.Succeeded("after"));
    }
}
