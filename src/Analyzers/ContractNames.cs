using System;
using System.Collections.Generic;

namespace MessageContracts.Analyzers
{
    /// <summary>
    /// The word heuristics of MC0021 and MC0022. English has no rule that tells a verb from a noun, so both checks are
    /// deliberately lenient: they look only at the last word of the name and say nothing when unsure.
    /// </summary>
    /// <remarks>
    /// The last word is found after dropping a version suffix (<c>V2</c>), trailing digits and a trailing particle
    /// of a phrasal verb (<c>UserSignedUp</c>, <c>CartCheckedOut</c>: the verb is the word before).
    /// </remarks>
    internal static class ContractNames
    {
        private static readonly HashSet<string> Particles = new HashSet<string>(StringComparer.Ordinal)
        {
            "In", "Out", "Up", "Down", "Off", "On", "Over", "Back", "Away",
        };

        /// <summary>Past participles that do not end in "ed".</summary>
        private static readonly HashSet<string> IrregularPastParticiples = new HashSet<string>(StringComparer.Ordinal)
        {
            "Begun", "Bound", "Bought", "Broken", "Brought", "Built", "Burnt", "Cast", "Caught", "Chosen", "Come", "Cut",
            "Dealt", "Done", "Drawn", "Driven", "Dug", "Fallen", "Felt", "Fought", "Found", "Frozen", "Forgotten",
            "Forgiven", "Given", "Gone", "Got", "Gotten", "Grown", "Held", "Hidden", "Hit", "Hung", "Hurt", "Kept",
            "Known", "Laid", "Led", "Left", "Lent", "Let", "Lost", "Made", "Meant", "Met", "Overdrawn", "Overtaken",
            "Paid", "Put", "Quit", "Read", "Rebuilt", "Redone", "Rewritten", "Ridden", "Risen", "Run", "Said", "Seen",
            "Sent", "Set", "Shaken", "Shot", "Shown", "Shut", "Sold", "Sought", "Spent", "Split", "Spoken", "Spread",
            "Stolen", "Stood", "Struck", "Stuck", "Sworn", "Taken", "Taught", "Thought", "Thrown", "Told", "Torn", "Undone",
            "Understood", "Upheld", "Withdrawn", "Woken", "Won", "Worn", "Written",
        };

        /// <summary>Words ending in "ed" that are not past tense, so a command ending in one is not called a fact.</summary>
        private static readonly HashSet<string> NotPastTense = new HashSet<string>(StringComparer.Ordinal)
        {
            "Bed", "Embed", "Red", "Shed", "Shred", "Sled", "Wed",
        };

        /// <summary>Whether an event's name ends in a past-tense verb (any word ending in "ed" counts: lenient on purpose).</summary>
        public static bool ReadsAsFact(string typeName)
        {
            string word = LastWord(typeName);
            return word.Length == 0
                || word.EndsWith("ed", StringComparison.Ordinal)
                || IrregularPastParticiples.Contains(word);
        }

        /// <summary>
        /// Why a command's name does not read as an imperative, or <see langword="null"/> when nothing is wrong or it
        /// cannot tell. Only two shapes are flagged: a name ending in "Event" or "Command", and a last word in the past
        /// tense ending in "ed" (<c>PointsGranted</c>). Irregular forms (<c>Set</c>, <c>Read</c>, <c>Cut</c>) are also
        /// present-tense verbs, so they are never flagged on a command.
        /// </summary>
        public static string? WhyNotImperative(string typeName)
        {
            if (typeName.EndsWith("Event", StringComparison.Ordinal) || typeName.EndsWith("Command", StringComparison.Ordinal))
            {
                return "ends in '" + (typeName.EndsWith("Event", StringComparison.Ordinal) ? "Event" : "Command") + "', which says nothing about what to do";
            }

            string word = LastWord(typeName);
            if (word.Length > 3
                && word.EndsWith("ed", StringComparison.Ordinal)
                && !word.EndsWith("eed", StringComparison.Ordinal) // Need, Feed, Seed, Proceed: mostly present tense
                && !NotPastTense.Contains(word))
            {
                return "ends in the past tense ('" + word + "'), which reads like an event";
            }

            return null;
        }

        /// <summary>The last PascalCase word that carries meaning; empty when the name has no such word.</summary>
        internal static string LastWord(string name)
        {
            List<string> words = SplitWords(name);
            while (words.Count > 0 && IsVersionOrNumber(words[words.Count - 1]))
            {
                words.RemoveAt(words.Count - 1);
            }

            if (words.Count > 1 && Particles.Contains(words[words.Count - 1]))
            {
                words.RemoveAt(words.Count - 1);
            }

            return words.Count == 0 ? string.Empty : words[words.Count - 1];
        }

        private static bool IsVersionOrNumber(string word)
        {
            int start = word.Length > 1 && (word[0] == 'V' || word[0] == 'v') ? 1 : 0;
            for (int i = start; i < word.Length; i++)
            {
                if (!char.IsDigit(word[i]))
                {
                    return false;
                }
            }

            return word.Length > start || word.Length == 0;
        }

        /// <summary>PascalCase words, acronyms kept together (<c>HTTPRequestSent</c>: HTTP, Request, Sent), digits split off.</summary>
        private static List<string> SplitWords(string name)
        {
            var words = new List<string>();
            int start = 0;
            for (int i = 1; i <= name.Length; i++)
            {
                bool boundary = i == name.Length
                    || name[i] == '_'
                    || (char.IsUpper(name[i]) && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1])))
                    || (char.IsUpper(name[i]) && char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]))
                    || (char.IsDigit(name[i]) && !char.IsDigit(name[i - 1]) && !(name[i - 1] == 'V' && i - 1 == start));
                if (!boundary)
                {
                    continue;
                }

                string word = name.Substring(start, i - start).Trim('_');
                if (word.Length > 0)
                {
                    words.Add(word);
                }

                start = i;
            }

            return words;
        }
    }
}
