using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace MessageContracts.Analyzers.Compatibility
{
    /// <summary>
    /// The project's compatibility settings, from MSBuild properties the package's build props make visible to the
    /// compiler: <c>MessageContractsCompatibility</c> (the mode, <c>backward</c> by default) and
    /// <c>UpdateMessageContractsBaseline</c> (the baseline is being rewritten, so nothing is compared).
    /// </summary>
    internal sealed class CompatibilitySettings
    {
        public const string ModeProperty = "build_property.MessageContractsCompatibility";
        public const string UpdateProperty = "build_property.UpdateMessageContractsBaseline";
        public const string CompatibilityAttribute = "MessageContracts.CompatibilityAttribute";

        private CompatibilitySettings(CompatibilityModes mode, string? invalidMode, bool updating)
        {
            Mode = mode;
            InvalidMode = invalidMode;
            Updating = updating;
        }

        public CompatibilityModes Mode { get; }

        /// <summary>The property's value when it names no mode (MC0039), else <see langword="null"/>.</summary>
        public string? InvalidMode { get; }

        /// <summary>The build writes the baseline from the current contracts: comparing would only report what is being accepted.</summary>
        public bool Updating { get; }

        public static CompatibilitySettings Read(AnalyzerConfigOptions options)
        {
            var updating = options.TryGetValue(UpdateProperty, out var update) && string.Equals(update?.Trim(), "true", System.StringComparison.OrdinalIgnoreCase);
            if (!options.TryGetValue(ModeProperty, out var value) || string.IsNullOrWhiteSpace(value))
            {
                return new CompatibilitySettings(CompatibilityModes.Backward, null, updating);
            }

            return TryParse(value.Trim(), out var mode)
                ? new CompatibilitySettings(mode, null, updating)
                : new CompatibilitySettings(CompatibilityModes.Backward, value.Trim(), updating);
        }

        /// <summary>Confluent's names, case-insensitive; the <c>_TRANSITIVE</c> forms mean the same here (one baseline).</summary>
        public static bool TryParse(string value, out CompatibilityModes mode)
        {
            var name = value.ToLowerInvariant();
            if (name.EndsWith("_transitive", System.StringComparison.Ordinal))
            {
                name = name.Substring(0, name.Length - "_transitive".Length);
            }

            switch (name)
            {
                case "backward": mode = CompatibilityModes.Backward; return true;
                case "forward": mode = CompatibilityModes.Forward; return true;
                case "full": mode = CompatibilityModes.Full; return true;
                case "none": mode = CompatibilityModes.None; return true;
                default: mode = CompatibilityModes.Backward; return false;
            }
        }

        /// <summary>The contract's <c>[Compatibility]</c> mode, else the project's.</summary>
        public CompatibilityModes ModeFor(INamedTypeSymbol contract)
        {
            foreach (var attribute in contract.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() == CompatibilityAttribute &&
                    attribute.ConstructorArguments.Length == 1 &&
                    attribute.ConstructorArguments[0].Value is int value &&
                    value >= 0 && value <= (int)CompatibilityModes.None)
                {
                    return (CompatibilityModes)value;
                }
            }

            return Mode;
        }

        public static string Name(CompatibilityModes mode) => mode.ToString().ToLowerInvariant();
    }
}
