using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace MessageContracts.Tests.Envelope;

public sealed class MessageIdsTests
{
    [Fact]
    public void Ids_are_uuid_version_7_with_the_rfc_variant()
    {
        var id = MessageIds.NewId(TimeProvider.System);

        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", id);
    }

    [Fact]
    public void The_timestamp_prefix_is_the_unix_time_in_milliseconds()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

        var id = MessageIds.NewId(time);

        var expected = time.GetUtcNow().ToUnixTimeMilliseconds().ToString("x12");
        Assert.Equal(expected, id.Replace("-", string.Empty)[..12]);
    }

    [Fact]
    public void Ids_created_later_sort_later_and_never_repeat()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var ids = new List<string>();
        for (var i = 0; i < 10_000; i++)
        {
            ids.Add(MessageIds.NewId(time));
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
    }
}
