using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using MessageContracts.Shared.Wire;
using Microsoft.CodeAnalysis.Text;

namespace MessageContracts.Analyzers.Compatibility
{
    /// <summary>
    /// The model and the baseline as parsed, kept across compilations. Both are about 1 MB of JSON for 1,000 contracts,
    /// and the IDE starts a new compilation on every edit while neither changes: each is parsed once per content. The
    /// parsed documents are shared, so the analyzer only reads them.
    /// </summary>
    internal static class ParsedDocuments
    {
        // A few recent models, by content: the IDE analyzes several projects, and an edit elsewhere leaves the model
        // as it was (the string itself may be a new instance). Comparing a 1 MB string costs far less than parsing it.
        private const int ModelsKept = 8;
        private static readonly object ModelsLock = new();
        private static readonly List<KeyValuePair<string, WireDocument?>> Models = new();

        // The baseline's text is the same SourceText for as long as the additional file is unchanged.
        private static readonly ConditionalWeakTable<SourceText, ParsedBaseline> Baselines = new();

        /// <summary>The model in <paramref name="json"/>, or <see langword="null"/> when this version cannot read it.</summary>
        public static WireDocument? Model(string json)
        {
            lock (ModelsLock)
            {
                for (var i = 0; i < Models.Count; i++)
                {
                    if (string.Equals(Models[i].Key, json, StringComparison.Ordinal))
                    {
                        return Models[i].Value;
                    }
                }
            }

            WireDocument? document;
            try
            {
                document = WireJson.Read(json);
            }
            catch (JsonFormatException)
            {
                document = null;
            }

            lock (ModelsLock)
            {
                if (Models.Count == ModelsKept)
                {
                    Models.RemoveAt(0);
                }

                Models.Add(new KeyValuePair<string, WireDocument?>(json, document));
            }

            return document;
        }

        /// <summary>The baseline in <paramref name="text"/>, with the line each contract starts on, or why it cannot be read.</summary>
        public static ParsedBaseline Baseline(SourceText text) => Baselines.GetValue(text, ParsedBaseline.Parse);
    }

    /// <summary>A parsed baseline: its entries, or the problem that stops it being read.</summary>
    internal sealed class ParsedBaseline
    {
        private ParsedBaseline(List<BaselineEntry>? entries, JsonFormatException? error)
        {
            Entries = entries;
            Error = error;
        }

        public List<BaselineEntry>? Entries { get; }

        public JsonFormatException? Error { get; }

        public static ParsedBaseline Parse(SourceText text)
        {
            try
            {
                var root = JsonText.Parse(text.ToString());
                var document = WireJson.Read(root);
                var nodes = root.Get("contracts")!.Items!;
                return new ParsedBaseline(document.Contracts.Select((contract, i) => new BaselineEntry(contract, nodes[i].Line)).ToList(), null);
            }
            catch (JsonFormatException exception)
            {
                return new ParsedBaseline(null, exception);
            }
        }
    }
}
