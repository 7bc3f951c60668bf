using System.Collections.Immutable;
using System.Text.Json.Serialization;

// Contracts and handlers compiled by the real build, with the generator attached as an analyzer.
namespace MessageContracts.Generators.Tests.Contracts;

public enum Channel
{
    Web,
    Store,
    Phone = 7,
}

[Flags]
public enum Access : byte
{
    None = 0,
    Read = 1,
    Write = 2,
}

public sealed record Address(string Street, string? City, int? Zip);

public sealed class Line
{
    public string Sku { get; set; } = "";

    public int Quantity { get; init; }
}

[Event]
public sealed partial record AllTypes(
    bool Flag,
    byte B,
    sbyte SB,
    short S,
    ushort US,
    int I,
    uint UI,
    long L,
    ulong UL,
    float F,
    double D,
    decimal M,
    string Text,
    char Letter,
    Guid Id,
    DateTime When,
    DateTimeOffset At,
    DateOnly Day,
    TimeOnly Time,
    TimeSpan Span,
    Channel Channel,
    Access Access,
    int? MaybeInt,
    Guid? MaybeId,
    Channel? MaybeChannel,
    string? MaybeText,
    int[] Numbers,
    List<string> Names,
    IReadOnlyList<Channel> Channels,
    IReadOnlyCollection<int?> Sparse,
    IEnumerable<string?> Loose,
    byte[] Blob,
    Address Home,
    Address? Work,
    List<Line> Lines,
    int[][] Grid);

[Event]
public sealed partial record OrderPlaced([property: PartitionKey] Guid OrderId, string CustomerId, decimal Total, int Quantity = 1);

[Command(Topic = "loyalty.grant-points")]
public sealed partial record GrantPoints([PartitionKey] string CustomerId, int Points);

[Command]
public sealed partial record HTTPRequestSent
{
    [PartitionKey]
    public int Shard { get; init; }

    public string Method { get; init; } = "GET";

    public string? Body { get; set; }

    public int Retries { get; set; } = 3;

    [JsonPropertyName("x-trace")]
    public string? Trace { get; init; }

    [JsonIgnore]
    public string? LocalOnly { get; init; }
}

[Event]
public readonly partial record struct StockCounted([property: PartitionKey] long? Warehouse, int Count);

[Event]
public sealed partial record NoKey(string Value);

/// <summary>An event that accepts loss: the generated code says so through IMessageContract.Delivery.</summary>
[Event(Delivery = Delivery.AtMostOnce)]
public sealed partial record PriceTicked([property: PartitionKey] string Symbol, decimal Price);

public static partial class Outer
{
    [Event]
    public sealed partial record Inner(int N);

    /// <summary>A sample of <see cref="WithPrivateParts"/>, written by its generated serializer.</summary>
    internal static string WritePrivateSample() =>
        Generators.Tests.RoundTripTests.Write(new WithPrivateParts(new("a", Mood.Glad), null, [new("b", Mood.Sad)], Mood.Sad, null, new("leaf", 1.5m, Channel.Web)));

    /// <summary>Reads <paramref name="json"/> as <see cref="WithPrivateParts"/> and writes it again.</summary>
    internal static string RewritePrivate(string json) =>
        Generators.Tests.RoundTripTests.Write(Generators.Tests.RoundTripTests.Read<WithPrivateParts>(json));

    /// <summary>A contract whose part and enum only code inside <see cref="Outer"/> can see: its own file serializes them.</summary>
    [Event]
    private sealed partial record WithPrivateParts(Hidden Part, Hidden? Other, List<Hidden> More, Mood Mood, Mood? Maybe, Leaf Shared);

    private enum Mood { Glad, Sad }

    private sealed record Hidden(string Text, Mood Mood);
}

/// <summary>A message part used inside collections and dictionaries of <see cref="Sampled"/>.</summary>
public sealed record Leaf(string Name, decimal? Amount, Channel Channel);

/// <summary>A message part with nested parts, collections of parts and a dictionary of parts.</summary>
public sealed record Branch(Leaf Leaf, Leaf? Other, List<Leaf> Leaves, Dictionary<string, Leaf?> ByName);

/// <summary>Every supported member kind, for the property-based round trips.</summary>
[Event]
public sealed partial record Sampled(
    bool Flag,
    byte B,
    sbyte SB,
    short S,
    ushort US,
    int I,
    uint UI,
    long L,
    ulong UL,
    float F,
    double D,
    decimal M,
    string Text,
    char Letter,
    Guid Id,
    DateTime When,
    DateTimeOffset At,
    DateOnly Day,
    TimeOnly Time,
    TimeSpan Span,
    Channel Channel,
    Access Access,
    int? MaybeInt,
    double? MaybeDouble,
    DateTimeOffset? MaybeAt,
    Channel? MaybeChannel,
    string? MaybeText,
    byte[] Blob,
    byte[]? MaybeBlob,
    int[] Numbers,
    List<string?> Names,
    IReadOnlyList<long> Longs,
    IReadOnlyCollection<Guid> Guids,
    IEnumerable<decimal> Amounts,
    IList<DateTime> Dates,
    ICollection<char> Chars,
    HashSet<string> Tags,
    ISet<int> IntSet,
    ImmutableArray<int> Immutable,
    ImmutableArray<string>? MaybeImmutable,
    ImmutableList<double> ImmutableDoubles,
    IImmutableList<Channel?> ImmutableChannels,
    Dictionary<string, int> Counts,
    IDictionary<string, string?> Labels,
    IReadOnlyDictionary<string, Branch> Branches,
    Dictionary<string, List<int?>>? Groups,
    Branch Root,
    Branch? MaybeRoot,
    int[][] Grid);

/// <summary>System.Text.Json writes an <see cref="IReadOnlySet{T}"/> but cannot create one, so it is tested on its own.</summary>
[Event]
public sealed partial record ReadOnlySets(IReadOnlySet<string> Names, IReadOnlySet<int>? Numbers);

/// <summary>A renamed record that keeps its old wire name.</summary>
[Event(Type = "OrderShipped")]
public sealed partial record ShipmentSent(string OrderId);

/// <summary>What the test handlers saw.</summary>
public sealed class HandlerLog
{
    public List<string> Entries { get; } = [];
}

[Idempotent]
public sealed class OrderPlacedHandler(HandlerLog log) : IMessageHandler<OrderPlaced>, IMessageHandler<GrantPoints>
{
    public Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken cancellationToken)
    {
        log.Entries.Add($"order {message.CustomerId} {message.Total}");
        return Task.CompletedTask;
    }

    public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken)
    {
        log.Entries.Add($"points {message.CustomerId} {message.Points}");
        return Task.CompletedTask;
    }
}

// [MessageId] in each supported form: the runtime derives the message ID from what the generated member returns.
[Event]
public sealed partial record PaymentCaptured([property: PartitionKey, MessageId] string PaymentId, decimal Amount);

[Event]
public sealed partial record ParcelScanned([MessageId] Guid? ScanId, int Station);

[Command]
public sealed partial record ChargeMeter([property: MessageId] ulong Reading, short Meter);

[Event]
public sealed partial record LineShipped(Guid OrderId, int LineNumber)
{
    [MessageId]
    public string ShipmentKey => $"{OrderId:D}/{LineNumber}";
}
