using System.Text.Json.Nodes;
using MessageContracts.Generators.Tests.Contracts;

namespace MessageContracts.Generators.Tests;

/// <summary>
/// What the generated reader does with a payload that lacks a member (docs/contracts.md, "Required and optional
/// members"): an optional one keeps the contract's own value (initializer, parameter default, <c>null</c>), a required
/// one is an error naming it, for every way a member can be set and past the 64 members whose presence is kept in bits.
/// </summary>
public sealed class MissingMemberTests
{
    private const string Namespace = "MessageContracts.Generators.Tests.Contracts";

    private static readonly Wide WideSample = new(
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
        30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59,
        60, 61, 62, 63, 64, 65, 66, 67, 68, 69)
    {
        Tail = "end",
        Extra = 5,
        Last = "last",
    };

    private static readonly Measured MeasuredSample = new(new Gauge { Value = 3, Unit = "cm" }, new Stamp { By = "ann", Ink = "red", Copies = 4 }, null);

    [Fact]
    public void A_wide_contract_round_trips()
    {
        Assert.Equal(WideSample, RoundTripTests.Read<Wide>(RoundTripTests.Write(WideSample)));
    }

    [Theory]
    [InlineData("m00")]
    [InlineData("m03")]
    [InlineData("m63")]
    [InlineData("m64")]
    [InlineData("m69")]
    [InlineData("last")]
    public void A_missing_required_member_is_named_before_and_after_the_64th(string member)
    {
        var error = Assert.Throws<MessageDeserializationException>(() => RoundTripTests.Read<Wide>(Without(RoundTripTests.Write(WideSample), member)));
        Assert.Equal($"Cannot deserialize '{Namespace}.Wide': the required member '{Namespace}.Wide.{member}' is missing.", error.Message);
    }

    [Fact]
    public void Optional_members_past_the_64th_keep_their_initializer_or_null_when_missing_and_take_the_payload_when_present()
    {
        var read = RoundTripTests.Read<Wide>(Without(RoundTripTests.Write(WideSample), "tail", "extra"));
        Assert.Equal(WideSample with { Tail = "tail", Extra = null }, read);
        Assert.Equal("end", RoundTripTests.Read<Wide>(RoundTripTests.Write(WideSample)).Tail);
    }

    [Fact]
    public void Struct_and_class_parts_keep_their_initializers_when_a_member_is_missing()
    {
        var json = RoundTripTests.Write(MeasuredSample);
        Assert.Equal(json, RoundTripTests.Write(RoundTripTests.Read<Measured>(json)));

        var read = RoundTripTests.Read<Measured>(Without(json, "gauge.unit", "stamp.ink", "stamp.copies"));
        Assert.Equal(3, read.Gauge.Value);
        Assert.Equal("mm", read.Gauge.Unit);
        Assert.Equal("ann", read.Stamp.By);
        Assert.Equal("blue", read.Stamp.Ink);
        Assert.Equal(1, read.Stamp.Copies);
    }

    [Theory]
    [InlineData("gauge.value", "Gauge.value")]
    [InlineData("stamp.by", "Stamp.by")]
    [InlineData("gauge", "Measured.gauge")]
    public void A_missing_required_member_of_a_part_is_named(string path, string named)
    {
        var error = Assert.Throws<MessageDeserializationException>(() => RoundTripTests.Read<Measured>(Without(RoundTripTests.Write(MeasuredSample), path)));
        Assert.EndsWith($"the required member '{Namespace}.{named}' is missing.", error.Message, StringComparison.Ordinal);
    }

    /// <summary><paramref name="json"/> without the members at <paramref name="paths"/> (<c>name</c> or <c>part.name</c>).</summary>
    private static string Without(string json, params string[] paths)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        foreach (var path in paths)
        {
            var names = path.Split('.');
            var owner = root;
            foreach (var name in names[..^1])
            {
                owner = owner[name]!.AsObject();
            }

            Assert.True(owner.Remove(names[^1]), $"No member '{path}' in {json}");
        }

        return root.ToJsonString();
    }
}
