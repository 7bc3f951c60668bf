using System.Runtime.CompilerServices;
using System.Text;
using Confluent.Kafka;
using MessageContracts.Transports;
using Xunit;

namespace MessageContracts.Tests.Consuming;

/// <summary>
/// The poll loop's copy of a consumed record's headers (<see cref="HeaderRetention"/>): the same keys and values in the
/// same order, nothing of Confluent's objects kept, and what repeats from record to record shared rather than kept per
/// record.
/// </summary>
public sealed class HeaderRetentionTests
{
    private static Headers Record(string id, string type, bool traced = false)
    {
        var headers = new Headers
        {
            { MessageHeaders.SpecVersion, Encoding.UTF8.GetBytes("1.0") },
            { MessageHeaders.Id, Encoding.UTF8.GetBytes(id) },
            { MessageHeaders.Type, Encoding.UTF8.GetBytes(type) },
            { "empty", null },
        };
        if (traced)
        {
            headers.Add(MessageHeaders.TraceParent, Encoding.UTF8.GetBytes("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
        }

        return headers;
    }

    private static void AssertSame(Headers expected, TransportHeaders? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Key, actual.KeyAt(i));
            Assert.Equal(expected[i].GetValueBytes(), actual.ValueAt(i));
        }
    }

    [Fact]
    public void Every_record_keeps_its_own_keys_and_values_in_order_whatever_came_before()
    {
        var retention = new HeaderRetention();
        var records = new[]
        {
            Record("id-1", "OrderPlaced"),
            Record("id-2", "OrderPlaced"),
            Record("id-3", "OrderPlacex"),
            Record("id-4", "OrderPlaced", traced: true),
            Record("id-5", "OrderPlaced"),
            new Headers { { "a", [1] }, { "a", [2] } },
        };

        var retained = records.Select(retention.Retain).ToList();

        for (var i = 0; i < records.Length; i++)
        {
            AssertSame(records[i], retained[i]);
        }

        Assert.True(retained[5]!.TryGetLast("a", out var last));
        Assert.Equal([2], last);
        Assert.Null(retention.Retain(null));
    }

    [Fact]
    public void Values_that_repeat_are_shared_and_values_that_differ_are_not()
    {
        var retention = new HeaderRetention();
        var first = retention.Retain(Record("id-1", "OrderPlaced"))!;
        var second = retention.Retain(Record("id-2", "OrderPlaced"))!;

        Assert.Same(first.KeyAt(0), second.KeyAt(0));
        Assert.Same(first.ValueAt(0), second.ValueAt(0));   // ce_specversion
        Assert.Same(first.ValueAt(2), second.ValueAt(2));   // ce_type
        Assert.NotSame(first.ValueAt(1), second.ValueAt(1)); // ce_id
        Assert.Equal("id-1", Encoding.UTF8.GetString(first.ValueAt(1)!));
        Assert.Equal("id-2", Encoding.UTF8.GetString(second.ValueAt(1)!));
    }

    [Fact]
    public void The_retained_headers_hold_no_reference_to_confluents_header_objects()
    {
        var retention = new HeaderRetention();
        var (retained, confluentHeaders) = RetainOne(retention);

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);

        Assert.False(confluentHeaders.TryGetTarget(out _), "Confluent's Headers object is still reachable from the retained copy");
        Assert.Equal("id-1", Encoding.UTF8.GetString(retained.ValueAt(1)!));
    }

    // Not inlined, so that no local of the caller's frame keeps Confluent's objects alive.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (TransportHeaders Retained, WeakReference<Headers> Original) RetainOne(HeaderRetention retention)
    {
        var headers = Record("id-1", "OrderPlaced");
        return (retention.Retain(headers)!, new WeakReference<Headers>(headers));
    }
}
