using MessageContracts.RabbitMQ.Transport;
using Xunit;

namespace MessageContracts.RabbitMQ.Tests;

/// <summary>UseRabbitMq's own checks, made where the settings are given (no broker needed).</summary>
public sealed class UseRabbitMqTests
{
    [Fact]
    public void Chooses_the_rabbitmq_transport()
    {
        var options = new MessageContractsOptions().UseRabbitMq("amqp://user:pass@host:5672/vhost");

        var transport = Assert.IsType<RabbitMqTransport>(options.Transport);
        Assert.Equal("rabbitmq", transport.Name);
        Assert.Equal("/vhost", transport.Uri.AbsolutePath);
    }

    [Fact]
    public void A_delivery_limit_not_above_the_retry_count_fails_at_once()
    {
        var failure = Assert.Throws<ArgumentException>(() => new MessageContractsOptions().UseRabbitMq("amqp://host/", rabbit => rabbit.DeliveryLimit = 3));

        Assert.Contains("DeliveryLimit (3) must exceed the number of retries (3)", failure.Message);
    }

    [Fact]
    public void A_uri_that_is_not_amqp_fails_at_once()
    {
        Assert.Throws<ArgumentException>(() => new MessageContractsOptions().UseRabbitMq("http://host:15672/"));
    }
}
