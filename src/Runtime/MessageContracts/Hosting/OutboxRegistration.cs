using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>The outbox's and the inbox's services, registered by <c>AddMessageContracts</c>.</summary>
internal static class OutboxRegistration
{
    public static void AddOutbox(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MessageContractsOptions>, OutboxOptionsValidator>());
        services.TryAddSingleton<OutboxSignal>();

        // From a factory, so the container disposes a store that owns a connection pool.
        services.TryAddSingleton(provider =>
            provider.GetRequiredService<IOptions<MessageContractsOptions>>().Value.OutboxStore
            ?? throw new InvalidOperationException("No outbox is configured: call options.UseSqliteOutbox(...) or options.UsePostgreSqlOutbox(...) in AddMessageContracts."));
        services.TryAddSingleton<IOutbox, Outbox>();
        services.TryAddSingleton<OutboxBacklogMetrics>();
        services.AddHostedService<OutboxRelayService>();
        services.TryAddSingleton<InboxProcessing>();
    }
}

/// <summary>Checks the outbox and inbox settings at startup.</summary>
internal sealed class OutboxOptionsValidator : IValidateOptions<MessageContractsOptions>
{
    public ValidateOptionsResult Validate(string? name, MessageContractsOptions options)
    {
        var failures = new List<string>();
        var outbox = options.Outbox;
        if (outbox.PollInterval <= TimeSpan.Zero || outbox.FastPollInterval <= TimeSpan.Zero)
        {
            failures.Add("MessageContractsOptions.Outbox.PollInterval and FastPollInterval must be positive.");
        }

        if (outbox.BatchSize < 1)
        {
            failures.Add($"MessageContractsOptions.Outbox.BatchSize is {outbox.BatchSize}: it must be at least 1.");
        }

        if (outbox.SentRetention <= TimeSpan.Zero)
        {
            failures.Add("MessageContractsOptions.Outbox.SentRetention must be positive: it is how long sent rows are kept.");
        }

        if (options.InboxStore is not null && options.DeduplicationStore is not null)
        {
            failures.Add("Both an inbox (UseSqliteInbox/UsePostgreSqlInbox) and MessageContractsOptions.DeduplicationStore are set: the inbox replaces the deduplication store, so set one of them.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
