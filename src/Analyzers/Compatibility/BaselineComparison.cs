using System;
using System.Collections.Generic;
using System.Linq;
using MessageContracts.Shared.Wire;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace MessageContracts.Analyzers.Compatibility
{
    /// <summary>
    /// The committed baseline (parsed once per content, see <see cref="ParsedDocuments"/>) matched with the current contracts: by <c>ce_type</c>,
    /// else (a changed <c>ce_type</c>) by the C# type.
    /// </summary>
    internal sealed class BaselineComparison
    {
        private readonly Dictionary<string, BaselineEntry> byCeType = new(StringComparer.Ordinal);
        private readonly Dictionary<string, BaselineEntry> byClrType = new(StringComparer.Ordinal);
        private readonly HashSet<string> currentCeTypes;
        private readonly HashSet<BaselineEntry> matched = new();

        private BaselineComparison(AdditionalText file, SourceText text, List<BaselineEntry> entries, WireDocument current)
        {
            File = file;
            Text = text;
            Entries = entries;
            currentCeTypes = new HashSet<string>(current.Contracts.Select(c => c.CeType), StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                if (!byCeType.ContainsKey(entry.Contract.CeType))
                {
                    byCeType.Add(entry.Contract.CeType, entry);
                }

                if (entry.Contract.ClrType.Length > 0 && !byClrType.ContainsKey(entry.Contract.ClrType))
                {
                    byClrType.Add(entry.Contract.ClrType, entry);
                }
            }

            foreach (var contract in current.Contracts)
            {
                if (Match(contract) is { } entry)
                {
                    matched.Add(entry);
                }
            }
        }

        public AdditionalText File { get; }

        public SourceText Text { get; }

        public List<BaselineEntry> Entries { get; }

        /// <summary>Reads the baseline; <paramref name="error"/> says why when it cannot.</summary>
        public static BaselineComparison? Read(AdditionalText file, WireDocument current, System.Threading.CancellationToken cancellationToken, out JsonFormatException? error)
        {
            error = null;
            var text = file.GetText(cancellationToken);
            if (text is null)
            {
                error = new JsonFormatException("the file could not be read", 1, 1);
                return null;
            }

            var parsed = ParsedDocuments.Baseline(text);
            if (parsed.Entries is null)
            {
                error = parsed.Error;
                return null;
            }

            return new BaselineComparison(file, text, parsed.Entries, current);
        }

        /// <summary>The baseline entry for <paramref name="contract"/>: same <c>ce_type</c>, else same C# type whose shipped <c>ce_type</c> is gone.</summary>
        public BaselineEntry? Match(WireContract contract)
        {
            if (byCeType.TryGetValue(contract.CeType, out var entry))
            {
                return entry;
            }

            return byClrType.TryGetValue(contract.ClrType, out entry) && !currentCeTypes.Contains(entry.Contract.CeType) ? entry : null;
        }

        /// <summary>Whether any current contract matches <paramref name="entry"/>.</summary>
        public bool IsMatched(BaselineEntry entry) => matched.Contains(entry);

        /// <summary>The location of a line of the baseline file, for diagnostics about it.</summary>
        public Location LineLocation(int line)
        {
            var index = Math.Min(Math.Max(line, 1), Text.Lines.Count) - 1;
            var span = index < 0 ? new TextSpan(0, 0) : Text.Lines[index].Span;
            return Location.Create(File.Path, span, Text.Lines.GetLinePositionSpan(span));
        }
    }

    /// <summary>A contract as the baseline records it, and the line it starts on.</summary>
    internal sealed class BaselineEntry
    {
        public BaselineEntry(WireContract contract, int line)
        {
            Contract = contract;
            Line = line;
        }

        public WireContract Contract { get; }

        public int Line { get; }
    }
}
