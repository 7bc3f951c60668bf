using System;
using System.Collections.Generic;
using System.Linq;
using MessageContracts.Shared.Wire;

namespace MessageContracts.Analyzers.Compatibility
{
    /// <summary>
    /// Compares a contract's baseline wire form with its current one, the way the generated reader treats a message:
    /// unknown members are skipped, a missing optional member takes its default, a missing required member or a
    /// <c>null</c> for a non-nullable one is an error, an unknown enum name is an error. Each difference says whether it
    /// breaks backward (new reader, old messages) and forward (old reader, new messages); the mode picks which counts.
    /// </summary>
    internal static class ContractComparer
    {
        public static List<ContractChange> Compare(WireContract baseline, WireContract current)
        {
            var changes = new List<ContractChange>();
            Routing(changes, "ce_type", baseline.CeType, current.CeType);
            Routing(changes, "kind", baseline.Kind, current.Kind);
            Routing(changes, "topic", baseline.Topic, current.Topic);
            Routing(changes, "partition key", baseline.PartitionKey ?? "(none)", current.PartitionKey ?? "(none)");
            if (!string.Equals(baseline.ClrType, current.ClrType, StringComparison.Ordinal))
            {
                changes.Add(new ContractChange(ChangeKind.Other, string.Empty, "the C# type is now '" + current.ClrType + "' (was '" + baseline.ClrType + "')", false, false));
            }

            CompareMembers(changes, string.Empty, baseline.Members, current.Members);
            return changes;
        }

        private static void Routing(List<ContractChange> changes, string what, string before, string after)
        {
            if (!string.Equals(before, after, StringComparison.Ordinal))
            {
                changes.Add(new ContractChange(ChangeKind.Routing, string.Empty, "its " + what + " changed from '" + before + "' to '" + after + "'", true, true));
            }
        }

        private static void CompareMembers(List<ContractChange> changes, string prefix, List<WireMember> before, List<WireMember> after)
        {
            var old = before.GroupBy(m => m.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var now = after.GroupBy(m => m.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            foreach (var member in before)
            {
                var path = prefix + member.Name;
                if (!now.TryGetValue(member.Name, out var current))
                {
                    // An old reader that requires it rejects new messages, one that does not loses its value; a new reader skips
                    // it in old ones. ContractChange.IsBreaking counts it as breaking in every mode but none.
                    changes.Add(new ContractChange(
                        ChangeKind.MemberRemoved,
                        path,
                        "the " + (member.Required ? "required" : "optional") + " member '" + path + "' is no longer on the wire" + RenameHint(member, before, after, old)
                            + (member.Required ? ", so consumers still on the shipped version reject every new message" : ", so consumers still on the shipped version silently get its default"),
                        breaksBackward: false,
                        breaksForward: member.Required));
                    continue;
                }

                if (member.Required != current.Required)
                {
                    changes.Add(current.Required
                        ? new ContractChange(ChangeKind.Requiredness, path, "the member '" + path + "' is now required (it was optional), so a message without it is rejected", true, false)
                        : new ContractChange(ChangeKind.Requiredness, path, "the member '" + path + "' is now optional (it was required), so a new message may leave it out", false, true));
                }

                CompareTypes(changes, path, member.Type, current.Type);
            }

            foreach (var member in after)
            {
                if (old.ContainsKey(member.Name))
                {
                    continue;
                }

                var path = prefix + member.Name;
                changes.Add(member.Required
                    ? new ContractChange(ChangeKind.Requiredness, path, "the new member '" + path + "' is required, and messages written before it have no such member", true, false)
                    : new ContractChange(ChangeKind.Other, path, "the new optional member '" + path + "'", false, false));
            }
        }

        /// <summary>" (renamed to 'x'?)" when exactly one member was added with the same type: the likely rename.</summary>
        private static string RenameHint(WireMember removed, List<WireMember> before, List<WireMember> after, Dictionary<string, WireMember> old)
        {
            var added = after.Where(m => !old.ContainsKey(m.Name)).ToList();
            var removedCount = before.Count(m => !after.Any(a => a.Name == m.Name));
            if (added.Count == 1 && removedCount == 1 && added[0].Type.Type == removed.Type.Type && added[0].Type.Format == removed.Type.Format)
            {
                return " (renamed to '" + added[0].Name + "'?)";
            }

            return string.Empty;
        }

        private static void CompareTypes(List<ContractChange> changes, string path, WireType before, WireType after)
        {
            if (before.Nullable != after.Nullable)
            {
                changes.Add(after.Nullable
                    ? new ContractChange(ChangeKind.Type, path, "the member '" + path + "' can now be null, which a reader of the baseline rejects", false, true)
                    : new ContractChange(ChangeKind.Type, path, "the member '" + path + "' can no longer be null, and messages written before may carry null", true, false));
            }

            if (!string.Equals(before.Type, after.Type, StringComparison.Ordinal) || IsDictionary(before) != IsDictionary(after))
            {
                var (backward, forward) = ScalarKinds(before, after);
                changes.Add(new ContractChange(ChangeKind.Type, path, "the member '" + path + "' changed from " + Describe(before) + " to " + Describe(after), backward, forward));
                return;
            }

            if (!string.Equals(before.Format, after.Format, StringComparison.Ordinal))
            {
                var (backward, forward) = Formats(before.Type, before.Format, after.Format);
                changes.Add(new ContractChange(ChangeKind.Type, path, "the member '" + path + "' changed from " + Describe(before) + " to " + Describe(after), backward, forward));
            }

            CompareEnums(changes, path, before, after);
            if (before.Items is not null && after.Items is not null)
            {
                CompareTypes(changes, path + "[]", before.Items, after.Items);
            }

            if (before.Values is not null && after.Values is not null)
            {
                CompareTypes(changes, path + "{}", before.Values, after.Values);
            }

            if (before.Members is not null && after.Members is not null)
            {
                CompareMembers(changes, path + ".", before.Members, after.Members);
            }
        }

        private static void CompareEnums(List<ContractChange> changes, string path, WireType before, WireType after)
        {
            if (before.Enum is null && after.Enum is null)
            {
                return;
            }

            if (before.Enum is null || after.Enum is null)
            {
                // A plain string reads any enum name; an enum rejects strings that are not among its names.
                changes.Add(new ContractChange(
                    ChangeKind.Type,
                    path,
                    "the member '" + path + "' changed from " + Describe(before) + " to " + Describe(after),
                    breaksBackward: after.Enum is not null,
                    breaksForward: before.Enum is not null));
                return;
            }

            var removed = before.Enum.Except(after.Enum, StringComparer.Ordinal).ToList();
            var added = after.Enum.Except(before.Enum, StringComparer.Ordinal).ToList();
            if (removed.Count > 0)
            {
                changes.Add(new ContractChange(ChangeKind.EnumValues, path, "the member '" + path + "' lost the enum name" + Plural(removed) + ", which messages written before may carry", true, false));
            }

            if (added.Count > 0)
            {
                changes.Add(new ContractChange(ChangeKind.EnumValues, path, "the member '" + path + "' gained the enum name" + Plural(added) + ", which a reader of the baseline rejects", false, true));
            }
        }

        private static string Plural(List<string> names) =>
            (names.Count == 1 ? " " : "s ") + string.Join(", ", names.Select(n => "'" + n + "'"));

        private static bool IsDictionary(WireType type) => type.Values is not null;

        /// <summary>A different JSON type: only an integer read as a number is safe, in the backward direction.</summary>
        private static (bool Backward, bool Forward) ScalarKinds(WireType before, WireType after)
        {
            if (before.Type == "integer" && after.Type == "number")
            {
                return (false, true);
            }

            if (before.Type == "number" && after.Type == "integer")
            {
                return (true, false);
            }

            return (true, true);
        }

        /// <summary>
        /// A different format of one JSON type. Backward breaks unless the new format reads every value of the old one
        /// (a wider integer, a double for a float, a plain string for any string); forward is the other way round.
        /// </summary>
        private static (bool Backward, bool Forward) Formats(string type, string? before, string? after)
        {
            switch (type)
            {
                case "integer":
                    return (!IntegerContains(after, before), !IntegerContains(before, after));
                case "number":
                    return (!NumberContains(after, before), !NumberContains(before, after));
                case "string":
                    // A plain string reads any text; a format (uuid, date-time, ...) rejects text of another format.
                    return (after is not null, before is not null);
                default:
                    return (true, true);
            }
        }

        private static bool IntegerContains(string? outer, string? inner)
        {
            var (outerMin, outerMax) = IntegerRange(outer);
            var (innerMin, innerMax) = IntegerRange(inner);
            return outerMin <= innerMin && innerMax <= outerMax;
        }

        private static (decimal Min, decimal Max) IntegerRange(string? format) => format switch
        {
            "int8" => (sbyte.MinValue, sbyte.MaxValue),
            "uint8" => (byte.MinValue, byte.MaxValue),
            "int16" => (short.MinValue, short.MaxValue),
            "uint16" => (ushort.MinValue, ushort.MaxValue),
            "int32" => (int.MinValue, int.MaxValue),
            "uint32" => (uint.MinValue, uint.MaxValue),
            "uint64" => (ulong.MinValue, ulong.MaxValue),
            _ => (long.MinValue, long.MaxValue),
        };

        private static bool NumberContains(string? outer, string? inner) =>
            outer == inner || outer == "double" || (outer == "decimal" && inner is null);

        private static string Describe(WireType type)
        {
            var text = type.Enum is not null ? "an enum" : type.Values is not null ? "a dictionary" : type.Members is not null ? "an object" : type.Type;
            if (type.Format is not null)
            {
                text += " (" + type.Format + ")";
            }

            return text;
        }
    }
}
