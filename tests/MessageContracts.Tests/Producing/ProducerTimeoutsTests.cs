using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace MessageContracts.Tests.Producing;

/// <summary>
/// The producer's request timeouts come from <see cref="MessageContractsOptions.PublishTimeout"/>, so that a hung
/// produce request is re-sent before the publish times out; settings that would undo that fail at startup.
/// </summary>
public sealed class ProducerTimeoutsTests
{
    [Fact]
    public void By_default_a_request_is_given_up_after_a_third_of_the_publish_timeout()
    {
        var timeouts = ProducerTimeouts.For(new MessageContractsOptions());

        Assert.Equal(30_000, timeouts.MessageTimeoutMs);
        Assert.Equal(10_000, timeouts.SocketTimeoutMs);
        Assert.Equal(5_000, timeouts.RequestTimeoutMs);
    }

    [Theory]
    [InlineData(3_000, 1_000, 500)]
    [InlineData(600_000, 60_000, 30_000)] // capped at librdkafka's own default
    [InlineData(15, 10, 5)] // librdkafka's floor for socket.timeout.ms
    public void The_timeouts_follow_the_publish_timeout(int publishTimeoutMs, int socketTimeoutMs, int requestTimeoutMs)
    {
        var timeouts = ProducerTimeouts.For(new MessageContractsOptions { PublishTimeout = TimeSpan.FromMilliseconds(publishTimeoutMs) });

        Assert.Equal(new ProducerTimeouts(publishTimeoutMs, socketTimeoutMs, requestTimeoutMs), timeouts);
    }

    [Fact]
    public void A_shorter_socket_timeout_of_the_users_is_kept_and_the_broker_wait_follows_it()
    {
        var options = new MessageContractsOptions();
        options.ProducerSettings["socket.timeout.ms"] = "500";

        Assert.Equal(new ProducerTimeouts(30_000, 500, 250), ProducerTimeouts.For(options));
        Assert.Empty(ProducerTimeouts.FindConflicts(options));
    }

    [Theory]
    [InlineData("socket.timeout.ms", "60000", "not less than half of PublishTimeout")]
    [InlineData("socket.timeout.ms", "15000", "not less than half of PublishTimeout")]
    [InlineData("socket.timeout.ms", "soon", "not a whole number")]
    [InlineData("message.timeout.ms", "300000", "set PublishTimeout instead")]
    [InlineData("delivery.timeout.ms", "30000", "set PublishTimeout instead")]
    [InlineData("request.timeout.ms", "10000", "not less than the client's request timeout")]
    [InlineData("retries", "0", "would never be re-sent")]
    [InlineData("message.send.max.retries", "0", "would never be re-sent")]
    [InlineData("socket.max.fails", "0", "the connection would be kept")]
    public void A_setting_that_would_stop_the_resend_fails_startup_saying_what_to_change(string key, string value, string expected)
    {
        using var services = new ServiceCollection()
            .AddLogging()
            .AddMessageContracts(options =>
            {
                options.BootstrapServers = "localhost:9092";
                options.ProducerSettings[key] = value;
            })
            .BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<MessageContractsOptions>>().Value);

        var failure = Assert.Single(exception.Failures);
        Assert.Contains($"'{key}'", failure);
        Assert.Contains(expected, failure);
    }

    [Fact]
    public void A_socket_timeout_below_half_of_a_longer_publish_timeout_is_accepted()
    {
        using var services = new ServiceCollection()
            .AddLogging()
            .AddMessageContracts(options =>
            {
                options.BootstrapServers = "localhost:9092";
                options.PublishTimeout = TimeSpan.FromMinutes(2);
                options.ProducerSettings["socket.timeout.ms"] = "59999";
                options.ProducerSettings["request.timeout.ms"] = "30000";
                options.ProducerSettings["retries"] = "5";
            })
            .BuildServiceProvider();

        Assert.Equal(TimeSpan.FromMinutes(2), services.GetRequiredService<IOptions<MessageContractsOptions>>().Value.PublishTimeout);
    }
}
