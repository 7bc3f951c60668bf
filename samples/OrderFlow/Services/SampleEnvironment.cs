using MessageContracts;
using OrderFlow.Brokers;
using OrderFlow.Storage;

namespace OrderFlow.Services;

/// <summary>The infrastructure every service of the sample shares: the broker and the storage.</summary>
public sealed class SampleEnvironment(SampleBroker broker, SampleStorage storage)
{
    public SampleBroker Broker => broker;

    public SampleStorage Storage => storage;

    public void UseBroker(MessageContractsOptions options) => broker.Configure(options);
}
