using System.Collections.Immutable;
using CsCheck;
using Old = MessageContracts.Generators.Tests.Evolution.V1;
using New = MessageContracts.Generators.Tests.Evolution.V2;

namespace MessageContracts.Generators.Tests;

/// <summary>
/// The tolerant reader, property-tested (CsCheck) over two generated versions of each contract
/// (<see cref="Old"/> and <see cref="New"/>, one compatible change apart): a record written by version N+1 is read by
/// version N, and one written by N is read by N+1, for every change docs/contracts.md calls compatible. What a reader
/// makes of a record is compared as its own writer's JSON, against the value the reader's contract defines for it
/// (its defaults for what the record lacks).
/// </summary>
public sealed class ReaderEvolutionTests
{
    private const int Iterations = 400;

    private static readonly Gen<string> Text = Gen.String;

    private static readonly Gen<Old.Handling> OldHandlings = Gen.Bool.Select(fragile => new Old.Handling { Fragile = fragile });

    private static readonly Gen<New.Handling> NewHandlings = Gen.Select(Gen.Bool, Text, (fragile, priority) => new New.Handling { Fragile = fragile, Priority = priority });

    private static readonly Gen<Old.ParcelState> OldStates = Gen.Enum<Old.ParcelState>();

    private static readonly Gen<New.ParcelState> NewStates = Gen.Enum<New.ParcelState>();

    private static readonly Gen<Old.Address> OldAddresses = Gen.Select(Text, Text, Text.Null(), (street, city, region) => new Old.Address(street, city, region));

    private static readonly Gen<New.Address> NewAddresses = Gen.Select(Text, Text, Text.Null(), (street, city, code) => new New.Address(street, city, code));

    [Fact]
    public void Every_pair_shares_its_message_type_and_topic()
    {
        Assert.Equal(Wire<Old.ParcelBooked>(), Wire<New.ParcelBooked>());
        Assert.Equal(Wire<Old.ParcelWeighed>(), Wire<New.ParcelWeighed>());
        Assert.Equal(Wire<Old.ParcelStateChanged>(), Wire<New.ParcelStateChanged>());
        Assert.Equal(Wire<Old.ParcelAddressed>(), Wire<New.ParcelAddressed>());
        Assert.Equal(Wire<Old.ParcelCounted>(), Wire<New.ParcelCounted>());
        Assert.Equal(Wire<Old.ParcelBooked>().Type, Wire<New.ParcelBookedWithRequiredMember>().Type);
    }

    [Fact]
    public void A_new_optional_member_old_readers_skip_it_and_new_readers_take_its_default()
    {
        var newer = Gen.Select(
            Gen.Select(Gen.Guid, Text, Gen.Decimal, NewHandlings, Text.Null()),
            Gen.Select(Gen.Int, NewStates.Nullable(), Gen.Int.Array[0, 4].Null(), Text, Gen.Dictionary(Text, Text)[0, 3].Null()),
            (a, b) => new New.ParcelBooked(
                a.Item1, a.Item2, a.Item3, a.Item4, a.Item5, b.Item1, b.Item2, b.Item3 is null ? default : ImmutableArray.Create(b.Item3))
            {
                Carrier = b.Item4,
                Labels = b.Item5,
            });
        newer.Sample(
            value => AssertReadsAs(new Old.ParcelBooked(value.ParcelId, value.Destination, value.Weight, new Old.Handling { Fragile = value.Handling.Fragile }), value),
            iter: Iterations,
            print: Print);

        var older = Gen.Select(Gen.Guid, Text, Gen.Decimal, OldHandlings, (id, destination, weight, handling) => new Old.ParcelBooked(id, destination, weight, handling));
        older.Sample(
            value =>
            {
                // Attempts = 1, State = null, Slots = default, Carrier = "post", Labels = null and Priority = "normal":
                // the new version's own defaults, as its constructor and initializers give them.
                var expected = new New.ParcelBooked(value.ParcelId, value.Destination, value.Weight, new New.Handling { Fragile = value.Handling.Fragile }, Note: null);
                AssertReadsAs(expected, value);
                var read = ReadAs<Old.ParcelBooked, New.ParcelBooked>(value);
                Assert.Equal(1, read.Attempts);
                Assert.Equal("post", read.Carrier);
                Assert.Equal("normal", read.Handling.Priority);
            },
            iter: Iterations,
            print: Print);
    }

    [Fact]
    public void A_removed_optional_member_new_readers_skip_it_and_old_readers_take_its_default()
    {
        var older = Gen.Select(
            Gen.Guid,
            Gen.Decimal,
            Text.Null(),
            Gen.Int,
            Text,
            Text.List[0, 3].Null(),
            (id, weight, scale, retries, unit, readings) => new Old.ParcelWeighed(id, weight, scale, retries) { Unit = unit, Readings = readings });
        older.Sample(value => AssertReadsAs(new New.ParcelWeighed(value.ParcelId, value.Weight), value), iter: Iterations, print: Print);

        var newer = Gen.Select(Gen.Guid, Gen.Decimal, (id, weight) => new New.ParcelWeighed(id, weight));
        newer.Sample(
            value =>
            {
                // Scale = null, Retries = 0 (the parameter's default), Unit = "kg" (the initializer), Readings = null.
                AssertReadsAs(new Old.ParcelWeighed(value.ParcelId, value.Weight, Scale: null), value);
                Assert.Equal("kg", ReadAs<New.ParcelWeighed, Old.ParcelWeighed>(value).Unit);
            },
            iter: Iterations,
            print: Print);
    }

    [Fact]
    public void A_new_enum_value_new_readers_read_every_old_value()
    {
        var older = Gen.Select(Gen.Guid, OldStates, OldStates.Nullable(), OldStates.List[0, 4], (id, state, previous, history) => new Old.ParcelStateChanged(id, state, previous, history));
        older.Sample(
            value => AssertReadsAs(new New.ParcelStateChanged(value.ParcelId, Newer(value.State), value.Previous is { } p ? Newer(p) : null, [.. value.History.Select(Newer)]), value),
            iter: Iterations,
            print: Print);
    }

    [Fact]
    public void A_new_enum_value_old_readers_read_the_values_they_know_and_dead_letter_the_new_one_naming_member_and_value()
    {
        // The documented choice: an old reader does not guess what a value it does not know means, so the new value
        // is compatible for new readers only (deploy consumers first); the message names what to upgrade.
        var newer = Gen.Select(Gen.Guid, NewStates, NewStates.Nullable(), NewStates.List[0, 4], (id, state, previous, history) => new New.ParcelStateChanged(id, state, previous, history));
        newer.Sample(
            value =>
            {
                var unknown = new[] { ("state", (New.ParcelState?)value.State), ("previous", value.Previous) }
                    .Concat(value.History.Select(h => ("history[]", (New.ParcelState?)h)))
                    .FirstOrDefault(m => m.Item2 == New.ParcelState.Returned);
                if (unknown.Item1 is null)
                {
                    AssertReadsAs(new Old.ParcelStateChanged(value.ParcelId, Older(value.State), value.Previous is { } p ? Older(p) : null, [.. value.History.Select(Older)]), value);
                    return;
                }

                var error = Assert.Throws<MessageDeserializationException>(() => ReadAs<New.ParcelStateChanged, Old.ParcelStateChanged>(value));
                Assert.Equal(
                    "Cannot deserialize 'MessageContracts.Generators.Tests.Evolution.V1.ParcelStateChanged': the member " +
                    "'MessageContracts.Generators.Tests.Evolution.V1.ParcelStateChanged." + unknown.Item1 + "' has the value 'Returned', " +
                    "which is not a value of MessageContracts.Generators.Tests.Evolution.V1.ParcelState.",
                    error.Message);
            },
            iter: Iterations,
            print: Print);
    }

    [Fact]
    public void A_nested_part_changed_compatibly_is_read_both_ways()
    {
        var older = Gen.Select(Gen.Guid, OldAddresses, OldAddresses.Null(), OldAddresses.List[0, 3], (id, to, from, stops) => new Old.ParcelAddressed(id, to, from, stops));
        older.Sample(
            value => AssertReadsAs(new New.ParcelAddressed(value.ParcelId, Newer(value.To), value.From is null ? null : Newer(value.From), [.. value.Stops.Select(Newer)]), value),
            iter: Iterations,
            print: Print);

        var newer = Gen.Select(Gen.Guid, NewAddresses, NewAddresses.Null(), NewAddresses.List[0, 3], (id, to, from, stops) => new New.ParcelAddressed(id, to, from, stops));
        newer.Sample(
            value => AssertReadsAs(new Old.ParcelAddressed(value.ParcelId, Older(value.To), value.From is null ? null : Older(value.From), [.. value.Stops.Select(Older)]), value),
            iter: Iterations,
            print: Print);
    }

    [Fact]
    public void Nullable_widening_new_readers_read_every_old_record_and_old_readers_every_new_one_without_null()
    {
        var older = Gen.Select(
            Gen.Guid,
            Gen.Int,
            Text,
            OldStates,
            Gen.Select(Gen.Int, Gen.Int, (length, width) => new Old.Dimensions(length, width)),
            (id, count, label, state, size) => new Old.ParcelCounted(id, count, label, state, size));
        older.Sample(
            value => AssertReadsAs(new New.ParcelCounted(value.ParcelId, value.Count, value.Label, Newer(value.State), new New.Dimensions(value.Size.Length, value.Size.Width)), value),
            iter: Iterations,
            print: Print);

        // The reverse holds only while the new writer writes no null: an old reader cannot take null for a member it
        // declares non-nullable, and dead-letters it naming the member (the change is compatible for new readers).
        var newer = Gen.Select(
            Gen.Guid,
            Gen.Int.Nullable(),
            Text.Null(),
            Gen.OneOf(Gen.Const(New.ParcelState.Created), Gen.Const(New.ParcelState.Sorted), Gen.Const(New.ParcelState.Delivered)).Nullable(),
            Gen.Select(Gen.Int, Gen.Int, (length, width) => new New.Dimensions(length, width)).Null(),
            (id, count, label, state, size) => new New.ParcelCounted(id, count, label, state, size));
        newer.Sample(
            value =>
            {
                var firstNull = new (string Name, object? Value)[] { ("count", value.Count), ("label", value.Label), ("state", value.State), ("size", value.Size) }
                    .FirstOrDefault(m => m.Value is null).Name;
                if (firstNull is null)
                {
                    AssertReadsAs(new Old.ParcelCounted(value.ParcelId, value.Count!.Value, value.Label!, Older(value.State!.Value), new Old.Dimensions(value.Size!.Length, value.Size.Width)), value);
                    return;
                }

                var error = Assert.Throws<MessageDeserializationException>(() => ReadAs<New.ParcelCounted, Old.ParcelCounted>(value));
                Assert.EndsWith("the member 'MessageContracts.Generators.Tests.Evolution.V1.ParcelCounted." + firstNull + "' cannot be null.", error.Message, StringComparison.Ordinal);
            },
            iter: Iterations,
            print: Print);
    }

    [Fact]
    public void A_new_required_member_is_not_compatible_the_new_reader_names_it_as_missing()
    {
        var older = Gen.Select(Gen.Guid, Text, Gen.Decimal, OldHandlings, (id, destination, weight, handling) => new Old.ParcelBooked(id, destination, weight, handling));
        older.Sample(
            value =>
            {
                var error = Assert.Throws<MessageDeserializationException>(() => ReadAs<Old.ParcelBooked, New.ParcelBookedWithRequiredMember>(value));
                Assert.Equal(
                    "Cannot deserialize 'MessageContracts.Generators.Tests.Evolution.V2.ParcelBookedWithRequiredMember': the required member " +
                    "'MessageContracts.Generators.Tests.Evolution.V2.ParcelBookedWithRequiredMember.revision' is missing.",
                    error.Message);
            },
            iter: 50,
            print: Print);
    }

    private static (string Type, string Topic) Wire<T>()
        where T : IMessageContract<T> => (T.MessageType, T.Topic);

    /// <summary>Writes <paramref name="written"/> with its version's serializer and reads it with <typeparamref name="TReader"/>'s.</summary>
    private static TReader ReadAs<TWriter, TReader>(TWriter written)
        where TWriter : IMessageContract<TWriter>
        where TReader : IMessageContract<TReader> =>
        RoundTripTests.Read<TReader>(RoundTripTests.Write(written));

    /// <summary>The reader's version reads <paramref name="written"/> as <paramref name="expected"/> (compared as the reader's own JSON).</summary>
    private static void AssertReadsAs<TReader, TWriter>(TReader expected, TWriter written)
        where TReader : IMessageContract<TReader>
        where TWriter : IMessageContract<TWriter> =>
        Assert.Equal(RoundTripTests.Write(expected), RoundTripTests.Write(ReadAs<TWriter, TReader>(written)));

    private static string Print<T>(T value)
        where T : IMessageContract<T> => RoundTripTests.Write(value);

    private static New.ParcelState Newer(Old.ParcelState state) => Enum.Parse<New.ParcelState>(state.ToString());

    private static Old.ParcelState Older(New.ParcelState state) => Enum.Parse<Old.ParcelState>(state.ToString());

    private static New.Address Newer(Old.Address address) => new(address.Street, address.City, PostalCode: null);

    private static Old.Address Older(New.Address address) => new(address.Street, address.City, Region: null);
}
