using Faults.Contracts;
using Xunit;

namespace MessageContracts.Tests.Faults.Support;

/// <summary>Builds the messages of a fault test and checks the one promise every fault test makes about them.</summary>
public static class Probes
{
    /// <summary>The topic of <see cref="FaultProbe"/> (its <c>[Event(Topic = ...)]</c>).</summary>
    public const string Topic = "faults.probes";

    /// <summary>Its dead-letter topic, with the default suffix.</summary>
    public const string DeadLetterTopic = Topic + ".dead-letter";

    /// <summary><paramref name="perKey"/> messages for each of <paramref name="keys"/> keys, interleaved: sequence 0 of every key, then 1, ...</summary>
    public static List<FaultProbe> Create(int keys, int perKey, string behavior = FaultProbeBehaviors.Ok, string prefix = "key") =>
        [.. Enumerable.Range(0, perKey).SelectMany(sequence => Enumerable.Range(0, keys).Select(key => new FaultProbe($"{prefix}-{key}", sequence, behavior)))];

    /// <summary>
    /// Every message in <paramref name="expected"/> had exactly one effect, and nothing else had any: none lost, none doubled.
    /// </summary>
    public static void AssertEachHadExactlyOneEffect(IEnumerable<string> expected, IReadOnlyDictionary<string, int> effectsById)
    {
        var expectedIds = expected.ToHashSet(StringComparer.Ordinal);
        var lost = expectedIds.Where(id => !effectsById.ContainsKey(id)).ToList();
        var doubled = effectsById.Where(pair => pair.Value > 1).Select(pair => $"{pair.Key} x{pair.Value}").ToList();
        var unexpected = effectsById.Keys.Where(id => !expectedIds.Contains(id)).ToList();
        Assert.True(
            lost.Count == 0 && doubled.Count == 0 && unexpected.Count == 0,
            $"Of {expectedIds.Count} messages: {lost.Count} lost [{string.Join(", ", lost.Take(5))}], "
            + $"{doubled.Count} with more than one effect [{string.Join(", ", doubled.Take(5))}], "
            + $"{unexpected.Count} effects of unknown messages.");
    }

    /// <summary>The effects of each key came in the order of its sequence numbers.</summary>
    public static void AssertPerKeyOrder(IEnumerable<Effect> effects)
    {
        foreach (var key in effects.GroupBy(e => e.Key))
        {
            var sequences = key.Select(e => e.Sequence).ToList();
            Assert.True(
                sequences.SequenceEqual(Enumerable.Range(0, sequences.Count)),
                $"Key {key.Key} was handled out of order: {string.Join(", ", sequences)}");
        }
    }
}
