namespace MessageContracts.Tests.FailureLog;

public sealed class InMemoryPublishFailureLogTests : PublishFailureLogContract
{
    private readonly InMemoryPublishFailureLog log = new();

    protected override IPublishFailureLog CreateLog() => log;
}
