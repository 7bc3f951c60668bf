using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>The producer failure policy's services, registered by <c>AddMessageContracts</c>.</summary>
internal static class PublishFailureRegistration
{
    public static void AddPublishFailureHandling(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MessageContractsOptions>, PublishFailureOptionsValidator>());

        // The configured log, else a SQLite file per service. Constructing it touches no disk: the file is
        // created on the first failure that needs it.
        services.TryAddSingleton<IPublishFailureLog>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<MessageContractsOptions>>().Value;
            return options.PublishFailureLog
                ?? new SqlitePublishFailureLog("Data Source=" + SqlitePublishFailureLog.DefaultPath(options.ServiceName));
        });
        services.TryAddSingleton<PublishFailureHandler>();
        services.TryAddSingleton<IPublishFailureReplayer, PublishFailureReplayer>();
        services.AddHostedService<PublishFailureRetentionService>();
    }
}

/// <summary>Checks the producer failure settings at startup.</summary>
internal sealed class PublishFailureOptionsValidator : IValidateOptions<MessageContractsOptions>
{
    public ValidateOptionsResult Validate(string? name, MessageContractsOptions options)
    {
        var failures = new List<string>();
        if (options.PublishTimeout <= TimeSpan.Zero || options.PublishTimeout.TotalMilliseconds > int.MaxValue)
        {
            failures.Add($"MessageContractsOptions.PublishTimeout is {options.PublishTimeout}: it must be positive and at most {TimeSpan.FromMilliseconds(int.MaxValue)}.");
        }

        if (!Enum.IsDefined(options.PublishFailurePolicy))
        {
            failures.Add($"MessageContractsOptions.PublishFailurePolicy is {(int)options.PublishFailurePolicy}: it must be Retry, Ignore or LogFailure.");
        }

        if (options.PublishFailureRetention <= TimeSpan.Zero && options.PublishFailureRetention != Timeout.InfiniteTimeSpan)
        {
            failures.Add($"MessageContractsOptions.PublishFailureRetention is {options.PublishFailureRetention}: it must be positive (how long a logged message may wait for a replay), or Timeout.InfiniteTimeSpan to keep records until they are replayed.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
