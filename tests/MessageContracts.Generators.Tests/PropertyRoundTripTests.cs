using System.Buffers;
using System.Collections;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CsCheck;
using MessageContracts.Generators.Tests.Contracts;

namespace MessageContracts.Generators.Tests;

/// <summary>
/// Property-based round trips (CsCheck) over random values of every supported member kind: the generated serializer
/// reads back what it writes, writes the same bytes as System.Text.Json (web defaults plus
/// <see cref="JsonStringEnumConverter"/>), System.Text.Json reads what it writes and it reads what System.Text.Json writes.
/// </summary>
public sealed class PropertyRoundTripTests
{
    private const int Iterations = 300;

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>
    /// Valid UTF-16 text: ASCII (quotes, backslashes, control characters and HTML-sensitive characters included), other
    /// BMP characters (no lone surrogates: a JSON writer replaces those with U+FFFD, so they cannot round-trip), and
    /// characters outside the BMP as surrogate pairs.
    /// </summary>
    private static readonly Gen<string> Text = Gen.Frequency(
            (4, Gen.Char[(char)0, (char)127].Select(c => c.ToString())),
            (2, Gen.Char["\"\\/<>&'\u2028\u2029\u00e9\u00df\u4e2d\ufeff\uffff"].Select(c => c.ToString())),
            (2, BmpChar().Select(c => c.ToString())),
            (1, Gen.Int[0x10000, 0x10FFFF].Select(char.ConvertFromUtf32)))
        .List[0, 12]
        .Select(parts => string.Concat(parts));

    private static readonly Gen<string?> MaybeText = Text.Null();

    private static readonly Gen<Channel> Channels = Gen.Frequency(
        (3, Gen.OneOf(Gen.Const(Channel.Web), Gen.Const(Channel.Store), Gen.Const(Channel.Phone))),
        (1, Gen.Int.Select(i => (Channel)i)));

    private static readonly Gen<float> Floats = Gen.Float.Where(float.IsFinite);

    private static readonly Gen<double> Doubles = Gen.Double.Where(double.IsFinite);

    private static readonly Gen<decimal> Decimals = Gen.Frequency(
        (4, Gen.Decimal),
        (1, Gen.OneOf(Gen.Const(decimal.MaxValue), Gen.Const(decimal.MinValue), Gen.Const(0.0000000000000000000000000001m), Gen.Const(-0.0m), Gen.Const(1.10m))));

    /// <summary>Every <see cref="DateTimeKind"/>; a local time is written with the machine's offset and read back as local.</summary>
    private static readonly Gen<DateTime> DateTimes = Gen.Select(
        Gen.Long[TimeSpan.TicksPerDay * 2, DateTime.MaxValue.Ticks - (TimeSpan.TicksPerDay * 2)],
        Gen.OneOf(Gen.Const(DateTimeKind.Utc), Gen.Const(DateTimeKind.Unspecified), Gen.Const(DateTimeKind.Local)),
        (ticks, kind) => new DateTime(ticks, kind));

    /// <summary>Offsets from -14:00 to +14:00 in whole minutes (what <see cref="DateTimeOffset"/> allows).</summary>
    private static readonly Gen<DateTimeOffset> DateTimeOffsets = Gen.Select(
        Gen.Long[TimeSpan.TicksPerDay * 2, DateTime.MaxValue.Ticks - (TimeSpan.TicksPerDay * 2)],
        Gen.Int[-14 * 60, 14 * 60],
        (ticks, minutes) => new DateTimeOffset(ticks, TimeSpan.FromMinutes(minutes)));

    private static readonly Gen<TimeSpan> TimeSpans = Gen.Frequency(
        (4, Gen.Long.Select(ticks => new TimeSpan(ticks))),
        (1, Gen.OneOf(Gen.Const(TimeSpan.MinValue), Gen.Const(TimeSpan.MaxValue), Gen.Const(TimeSpan.Zero))));

    private static readonly Gen<Leaf> Leaves = Gen.Select(Text, Gen.Decimal.Nullable(), Channels, (name, amount, channel) => new Leaf(name, amount, channel));

    private static readonly Gen<Branch> Branches = Gen.Select(
        Leaves,
        Leaves.Null(),
        Leaves.List[0, 3],
        Gen.Dictionary(Text, Leaves.Null())[0, 3],
        (leaf, other, leaves, byName) => new Branch(leaf, other, leaves, byName));

    private static readonly Gen<Sampled> Samples = Gen.Select(
        Gen.Select(Gen.Bool, Gen.Byte, Gen.SByte, Gen.Short, Gen.UShort, Gen.Int, Gen.UInt, Gen.Long),
        Gen.Select(Gen.ULong, Floats, Doubles, Decimals, Text, BmpChar(), Gen.Guid, DateTimes),
        Gen.Select(DateTimeOffsets, Gen.DateOnly, Gen.TimeOnly, TimeSpans, Channels, Gen.Byte.Select(b => (Access)b)),
        Gen.Select(Gen.Int.Nullable(), Doubles.Nullable(), DateTimeOffsets.Nullable(), Channels.Nullable(), MaybeText, Gen.Byte.Array[0, 16], Gen.Byte.Array[0, 4].Null()),
        Gen.Select(Gen.Int.Array[0, 5], MaybeText.List[0, 5], Gen.Long.List[0, 5], Gen.Guid.List[0, 3], Decimals.List[0, 3], DateTimes.List[0, 3], BmpChar().List[0, 5]),
        Gen.Select(Text.HashSet[0, 5], Gen.Int.HashSet[0, 5], Gen.Int.Array[0, 5], Text.Array[0, 3].Null(), Doubles.List[0, 4], Channels.Nullable().List[0, 4]),
        Gen.Select(Gen.Dictionary(Text, Gen.Int)[0, 5], Gen.Dictionary(Text, MaybeText)[0, 5], Gen.Dictionary(Text, Branches)[0, 2], Gen.Dictionary(Text, Gen.Int.Nullable().List[0, 3])[0, 3].Null()),
        Gen.Select(Branches, Branches.Null(), Gen.Int.Array[0, 3].Array[0, 3]),
        (a, b, c, d, e, f, g, h) => new Sampled(
            a.Item1, a.Item2, a.Item3, a.Item4, a.Item5, a.Item6, a.Item7, a.Item8,
            b.Item1, b.Item2, b.Item3, b.Item4, b.Item5, b.Item6, b.Item7, b.Item8,
            c.Item1, c.Item2, c.Item3, c.Item4, c.Item5, c.Item6,
            d.Item1, d.Item2, d.Item3, d.Item4, d.Item5, d.Item6, d.Item7,
            e.Item1, e.Item2, e.Item3, e.Item4, e.Item5, e.Item6, e.Item7,
            f.Item1, f.Item2, ImmutableArray.Create(f.Item3), f.Item4 is null ? null : ImmutableArray.Create(f.Item4), ImmutableList.CreateRange(f.Item5), ImmutableList.CreateRange(f.Item6),
            g.Item1, g.Item2, g.Item3, g.Item4,
            h.Item1, h.Item2, h.Item3));

    [Fact]
    public void Generated_serializer_round_trips_and_matches_System_Text_Json_both_ways()
    {
        Samples.Sample(
            value =>
            {
                var expected = Canonical.Of(value);
                var ours = Write(value);

                Assert.Equal(expected, Canonical.Of(Read<Sampled>(ours)));
                Assert.Equal(expected, Canonical.Of(JsonSerializer.Deserialize<Sampled>(ours, Web)!));

                var theirs = JsonSerializer.SerializeToUtf8Bytes(value, Web);
                Assert.Equal(Encoding.UTF8.GetString(theirs), Encoding.UTF8.GetString(ours));
                Assert.Equal(expected, Canonical.Of(Read<Sampled>(theirs)));
            },
            iter: Iterations,
            print: value => Encoding.UTF8.GetString(Write(value)));
    }

    [Fact]
    public void Read_only_sets_round_trip_and_read_what_System_Text_Json_writes()
    {
        Gen.Select(Text.HashSet[0, 6], Gen.Int.HashSet[0, 6].Null(), (names, numbers) => new ReadOnlySets(names, numbers)).Sample(
            value =>
            {
                var expected = Canonical.Of(value);
                Assert.Equal(expected, Canonical.Of(Read<ReadOnlySets>(Write(value))));
                Assert.Equal(expected, Canonical.Of(Read<ReadOnlySets>(JsonSerializer.SerializeToUtf8Bytes(value, Web))));
            },
            iter: Iterations);
    }

    [Fact]
    public void NaN_and_infinities_are_refused_when_writing_like_System_Text_Json()
    {
        // System.Text.Json's default number handling (no AllowNamedFloatingPointLiterals) refuses them too.
        foreach (var value in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
        {
            var sample = Fixed() with { D = value };
            Assert.Throws<ArgumentException>(() => JsonSerializer.Serialize(sample, Web));
            Assert.Throws<ArgumentException>(() => Write(sample));
        }
    }

    [Fact]
    public void Default_immutable_array_is_written_as_null_and_read_back_as_default()
    {
        // System.Text.Json throws on a default ImmutableArray<T>; null keeps "not set" apart from "empty".
        var sample = Fixed() with { Immutable = default, MaybeImmutable = null };
        var json = Encoding.UTF8.GetString(Write(sample));
        Assert.Contains("\"immutable\":null", json, StringComparison.Ordinal);
        Assert.Contains("\"maybeImmutable\":null", json, StringComparison.Ordinal);

        var read = Read<Sampled>(Encoding.UTF8.GetBytes(json));
        Assert.True(read.Immutable.IsDefault);
        Assert.Null(read.MaybeImmutable);
        Assert.True(Read<Sampled>(Encoding.UTF8.GetBytes(json.Replace("\"immutable\":null,", string.Empty, StringComparison.Ordinal))).Immutable.IsDefault);

        var empty = Read<Sampled>(Encoding.UTF8.GetBytes(json.Replace("\"immutable\":null", "\"immutable\":[]", StringComparison.Ordinal)));
        Assert.False(empty.Immutable.IsDefault);
        Assert.Empty(empty.Immutable);
    }

    [Fact]
    public void Dictionary_keys_are_written_as_they_are_and_a_repeated_key_keeps_the_last_value()
    {
        var sample = Fixed() with { Counts = new() { ["OrderId"] = 1, ["already-kebab"] = 2, [""] = 3 } };
        var json = Encoding.UTF8.GetString(Write(sample));
        Assert.Contains("\"counts\":{\"OrderId\":1,\"already-kebab\":2,\"\":3}", json, StringComparison.Ordinal);

        var repeated = json.Replace("\"counts\":{\"OrderId\":1,", "\"counts\":{\"OrderId\":1,\"OrderId\":7,", StringComparison.Ordinal);
        Assert.Equal(7, Read<Sampled>(Encoding.UTF8.GetBytes(repeated)).Counts["OrderId"]);
        Assert.Equal(7, JsonSerializer.Deserialize<Sampled>(repeated, Web)!.Counts["OrderId"]);
    }

    [Theory]
    [InlineData("\"counts\":[]")]
    [InlineData("\"counts\":{\"a\":null}")]
    [InlineData("\"counts\":{\"a\":\"1\"}")]
    [InlineData("\"tags\":{}")]
    [InlineData("\"immutable\":{}")]
    public void Bad_collection_values_throw_MessageDeserializationException(string member)
    {
        var json = Encoding.UTF8.GetString(Write(Fixed()));
        var name = member[..(member.IndexOf(':', StringComparison.Ordinal) + 1)];
        var start = json.IndexOf(name, StringComparison.Ordinal);
        Assert.True(start >= 0);
        var bad = "{" + member + "," + json[1..];
        Assert.Throws<MessageDeserializationException>(() => Read<Sampled>(Encoding.UTF8.GetBytes(bad)));
    }

    /// <summary>One random value, the same on every run.</summary>
    private static Sampled Fixed() => Samples.Generate(new PCG(1, 42), null, out _);

    private static Gen<char> BmpChar() => Gen.Char.Where(c => !char.IsSurrogate(c));

    private static byte[] Write<T>(T value)
        where T : IMessageContract<T>
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            T.Serialize(writer, value);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static T Read<T>(byte[] json)
        where T : IMessageContract<T> => T.Deserialize(json);

    /// <summary>
    /// A text form of a value for deep comparison: public properties recursively, sequences in order, sets and
    /// dictionaries ordered by content, floating point by bits, <see cref="DateTime"/> with its kind,
    /// <see cref="DateTimeOffset"/> with its offset, <see cref="decimal"/> by value.
    /// </summary>
    private static class Canonical
    {
        public static string Of(object? value)
        {
            var builder = new StringBuilder();
            Append(builder, value);
            return builder.ToString();
        }

        private static void Append(StringBuilder builder, object? value)
        {
            switch (value)
            {
                case null:
                    builder.Append("null");
                    return;
                case string s:
                    builder.Append('"').Append(s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
                    return;
                case char c:
                    builder.Append("'").Append(((int)c).ToString(CultureInfo.InvariantCulture)).Append("'");
                    return;
                case float f:
                    builder.Append("f").Append(BitConverter.SingleToInt32Bits(f == 0 ? 0f : f).ToString(CultureInfo.InvariantCulture));
                    return;
                case double d:
                    builder.Append("d").Append(BitConverter.DoubleToInt64Bits(d == 0 ? 0d : d).ToString(CultureInfo.InvariantCulture));
                    return;
                case decimal m:
                    builder.Append("m").Append(m.ToString(CultureInfo.InvariantCulture));
                    return;
                case DateTime dt:
                    var instant = dt.Kind == DateTimeKind.Local ? dt.ToUniversalTime().Ticks : dt.Ticks;
                    builder.Append("dt(").Append(instant.ToString(CultureInfo.InvariantCulture)).Append(',').Append(dt.Kind).Append(')');
                    return;
                case DateTimeOffset dto:
                    builder.Append("dto(").Append(dto.UtcTicks.ToString(CultureInfo.InvariantCulture)).Append(',').Append(dto.Offset.Ticks.ToString(CultureInfo.InvariantCulture)).Append(')');
                    return;
                case byte[] bytes:
                    builder.Append("b64:").Append(Convert.ToBase64String(bytes));
                    return;
                case IFormattable formattable when value.GetType().IsPrimitive || value is Enum || value is Guid or DateOnly or TimeOnly or TimeSpan:
                    builder.Append(value.GetType().Name).Append(':').Append(formattable.ToString(null, CultureInfo.InvariantCulture));
                    return;
                case bool b:
                    builder.Append(b ? "true" : "false");
                    return;
                case IDictionary dictionary:
                    var entries = new List<string>();
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        entries.Add(Of(entry.Key) + ":" + Of(entry.Value));
                    }

                    entries.Sort(StringComparer.Ordinal);
                    builder.Append('{').AppendJoin(',', entries).Append('}');
                    return;
                case IEnumerable sequence:
                    if (value.GetType() is { IsValueType: true } type && type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ImmutableArray<>)
                        && (bool)type.GetProperty(nameof(ImmutableArray<int>.IsDefault))!.GetValue(value)!)
                    {
                        builder.Append("default");
                        return;
                    }

                    var items = new List<string>();
                    foreach (var item in sequence)
                    {
                        items.Add(Of(item));
                    }

                    if (IsSet(value.GetType()))
                    {
                        items.Sort(StringComparer.Ordinal);
                    }

                    builder.Append('[').AppendJoin(',', items).Append(']');
                    return;
            }

            builder.Append(value.GetType().Name).Append('(');
            foreach (var property in value.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract").OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                builder.Append(property.Name).Append('=');
                Append(builder, property.GetValue(value));
                builder.Append(';');
            }

            builder.Append(')');
        }

        private static bool IsSet(Type type) =>
            type.GetInterfaces().Any(i => i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(ISet<>) || i.GetGenericTypeDefinition() == typeof(IReadOnlySet<>)));
    }
}
