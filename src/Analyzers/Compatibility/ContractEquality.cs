using System;
using System.Collections.Generic;
using MessageContracts.Shared.Wire;

namespace MessageContracts.Analyzers.Compatibility
{
    /// <summary>
    /// The cheap check before <see cref="ContractComparer.Compare"/>: a contract whose wire form is exactly the
    /// baseline's (the usual case in a build) has no changes, and needs neither the comparer's lookups nor its texts.
    /// Only "the same" is decisive: anything else (a reordered member or enum name, a duplicated member name) goes to
    /// the comparer, which decides as before.
    /// </summary>
    internal static class ContractEquality
    {
        public static bool Same(WireContract baseline, WireContract current) =>
            string.Equals(baseline.CeType, current.CeType, StringComparison.Ordinal) &&
            string.Equals(baseline.Kind, current.Kind, StringComparison.Ordinal) &&
            string.Equals(baseline.Topic, current.Topic, StringComparison.Ordinal) &&
            string.Equals(baseline.PartitionKey, current.PartitionKey, StringComparison.Ordinal) &&
            string.Equals(baseline.ClrType, current.ClrType, StringComparison.Ordinal) &&
            SameMembers(baseline.Members, current.Members);

        private static bool SameMembers(List<WireMember> before, List<WireMember> after)
        {
            if (before.Count != after.Count)
            {
                return false;
            }

            for (var i = 0; i < before.Count; i++)
            {
                // The comparer matches members by name (the first of a name): with a name twice, position does not decide.
                if (!string.Equals(before[i].Name, after[i].Name, StringComparison.Ordinal) ||
                    before[i].Required != after[i].Required ||
                    NameBefore(before, i) ||
                    !SameType(before[i].Type, after[i].Type))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool NameBefore(List<WireMember> members, int index)
        {
            for (var i = 0; i < index; i++)
            {
                if (string.Equals(members[i].Name, members[index].Name, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool SameType(WireType before, WireType after) =>
            before.Nullable == after.Nullable &&
            string.Equals(before.Type, after.Type, StringComparison.Ordinal) &&
            string.Equals(before.Format, after.Format, StringComparison.Ordinal) &&
            SameNames(before.Enum, after.Enum) &&
            SameOptional(before.Items, after.Items) &&
            SameOptional(before.Values, after.Values) &&
            (before.Members is null ? after.Members is null : after.Members is not null && SameMembers(before.Members, after.Members));

        private static bool SameOptional(WireType? before, WireType? after) =>
            before is null ? after is null : after is not null && SameType(before, after);

        private static bool SameNames(List<string>? before, List<string>? after)
        {
            if (before is null || after is null)
            {
                return before is null && after is null;
            }

            if (before.Count != after.Count)
            {
                return false;
            }

            for (var i = 0; i < before.Count; i++)
            {
                if (!string.Equals(before[i], after[i], StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
