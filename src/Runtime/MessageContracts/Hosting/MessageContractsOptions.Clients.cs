using Confluent.Kafka;

namespace MessageContracts;

/// <summary>Typed access to the Kafka clients' configuration, beside the string dictionaries.</summary>
public sealed partial class MessageContractsOptions
{
    private readonly List<Action<ProducerConfig>> producerHooks = [];
    private readonly List<Action<ConsumerConfig>> consumerHooks = [];

    /// <summary>
    /// Sets producer settings through Confluent.Kafka's typed <see cref="ProducerConfig"/>, as an alternative to
    /// <see cref="ProducerSettings"/>: <c>options.ConfigureProducer(c => c.LingerMs = 20)</c>.
    /// </summary>
    /// <remarks>
    /// <paramref name="configure"/> gets a config that holds the <see cref="ProducerSettings"/> entries (not the toolkit's
    /// defaults), and what the config holds afterwards counts as the user's settings: applied after the toolkit's
    /// defaults, so they win, and checked at startup like <see cref="ProducerSettings"/> (a <c>message.timeout.ms</c>, or
    /// a <c>socket.timeout.ms</c> that would defeat <see cref="PublishTimeout"/>, fails startup with an error naming the
    /// hook). Several calls add hooks that run in order. A hook may run more than once (at validation and for each
    /// client), so it should only set values. The topic provisioning's admin client gets these settings too.
    /// </remarks>
    /// <param name="configure">Sets properties of the producer's config.</param>
    /// <returns>The same options, for chaining.</returns>
    public MessageContractsOptions ConfigureProducer(Action<ProducerConfig> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        producerHooks.Add(configure);
        return this;
    }

    /// <summary>
    /// Sets consumer settings through Confluent.Kafka's typed <see cref="ConsumerConfig"/>, as an alternative to
    /// <see cref="ConsumerSettings"/>: <c>options.ConfigureConsumer(c => c.FetchWaitMaxMs = 5)</c>.
    /// </summary>
    /// <remarks>
    /// <paramref name="configure"/> gets a config that holds the <see cref="ConsumerSettings"/> entries (not the toolkit's
    /// defaults), and what the config holds afterwards counts as the user's settings: applied after the toolkit's
    /// defaults, so they win, and checked at startup like <see cref="ConsumerSettings"/> (an
    /// <c>enable.auto.offset.store</c> of true, which would commit offsets of records not yet handled, fails startup with
    /// an error naming the hook). Several calls add hooks that run in order. A hook may run more than once, so it should
    /// only set values.
    /// </remarks>
    /// <param name="configure">Sets properties of the consumer's config.</param>
    /// <returns>The same options, for chaining.</returns>
    public MessageContractsOptions ConfigureConsumer(Action<ConsumerConfig> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        consumerHooks.Add(configure);
        return this;
    }

    /// <summary>The user's producer settings: <see cref="ProducerSettings"/> and the <see cref="ConfigureProducer"/> hooks.</summary>
    internal ClientSettings UserProducerSettings() =>
        ClientSettings.Collect(ProducerSettings, producerHooks, static values => new ProducerConfig(values), nameof(ProducerSettings), nameof(ConfigureProducer));

    /// <summary>The user's consumer settings: <see cref="ConsumerSettings"/> and the <see cref="ConfigureConsumer"/> hooks.</summary>
    internal ClientSettings UserConsumerSettings() =>
        ClientSettings.Collect(ConsumerSettings, consumerHooks, static values => new ConsumerConfig(values), nameof(ConsumerSettings), nameof(ConfigureConsumer));
}
