using Xunit;

namespace MessageContracts.Tests.Hosting;

/// <summary>The startup checks of the lease and the consumer's limits.</summary>
public sealed class OptionsValidatorTests
{
    [Fact]
    public void The_defaults_pass()
    {
        Assert.True(Validate(_ => { }).Succeeded);
    }

    [Fact]
    public void A_retry_schedule_longer_than_the_lease_is_accepted_because_claims_are_renewed()
    {
        var result = Validate(options =>
        {
            options.DeduplicationLease = TimeSpan.FromSeconds(10);
            options.Retry.MaxAttempts = 10;
            options.Retry.MaxDelay = TimeSpan.FromMinutes(1);
        });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void A_lease_under_a_second_is_refused_with_what_to_set()
    {
        var result = Validate(options => options.DeduplicationLease = TimeSpan.FromMilliseconds(500));

        Assert.False(result.Succeeded);
        Assert.Contains("DeduplicationLease is 00:00:00.5000000: it must be at least 1 second", result.FailureMessage);
        Assert.Contains("renewed every third of the lease", result.FailureMessage);
    }

    [Theory]
    [InlineData(nameof(MessageContractsOptions.MaxMessageIdBytes), 0, "MaxMessageIdBytes is 0")]
    [InlineData(nameof(MessageContractsOptions.MaxHeaderBytes), 100, "MaxHeaderBytes is 100: it must be at least 256")]
    [InlineData(nameof(MessageContractsOptions.MaxTotalHeaderBytes), 1000, "MaxTotalHeaderBytes (1000) is less than MaxHeaderBytes (16384)")]
    [InlineData(nameof(MessageContractsOptions.MaxQueuedBytesPerPartition), 0, "MaxQueuedBytesPerPartition is 0")]
    public void Limits_that_would_refuse_every_record_are_refused(string option, long value, string expected)
    {
        var result = Validate(options =>
        {
            var property = typeof(MessageContractsOptions).GetProperty(option)!;
            property.SetValue(options, Convert.ChangeType(value, property.PropertyType, System.Globalization.CultureInfo.InvariantCulture));
        });

        Assert.False(result.Succeeded);
        Assert.Contains(expected, result.FailureMessage);
    }

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(Action<MessageContractsOptions> configure)
    {
        var options = new MessageContractsOptions { BootstrapServers = "localhost:9092" };
        configure(options);
        return new MessageContractsOptionsValidator().Validate(null, options);
    }
}
