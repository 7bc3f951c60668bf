using MessageContracts;
using MessageContracts.Testing;
using OrderFlow.Storage;

namespace OrderFlow.Services;

/// <summary>The infrastructure every service of the sample shares: Kafka (embedded or real) and the storage.</summary>
public sealed class SampleEnvironment(EmbeddedKafka? kafka, string bootstrapServers, SampleStorage storage)
{
    /// <summary>The embedded cluster, or null on a real one (then no broker-side faults can be injected).</summary>
    public EmbeddedKafka? Kafka => kafka;

    public string BootstrapServers => bootstrapServers;

    public SampleStorage Storage => storage;

    public void UseKafka(MessageContractsOptions options)
    {
        if (kafka is not null)
        {
            options.UseEmbeddedKafka(kafka);
        }
        else
        {
            options.BootstrapServers = bootstrapServers;
        }
    }
}
