using System;
using System.IO;
using System.Threading;
using MessageContracts.Shared.Wire;
using Microsoft.CodeAnalysis;

namespace MessageContracts.Analyzers.Compatibility
{
    /// <summary>
    /// Where the compatibility rules get their two sides: the current wire form, which the source generator wrote into
    /// the compilation as <c>[assembly: MessageContractsModel("...")]</c> (so the analyzers judge exactly what the
    /// generated serializers do), and the committed baseline, an additional file the package's build props add.
    /// Analyzers do no file IO: both come through the compiler.
    /// </summary>
    internal static class ContractModelSource
    {
        public const string ModelAttribute = "MessageContracts.Infrastructure.MessageContractsModelAttribute";

        /// <summary>The model JSON the generator wrote into this compilation, or <see langword="null"/>.</summary>
        public static string? ReadModelJson(Compilation compilation)
        {
            foreach (var attribute in compilation.Assembly.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() == ModelAttribute &&
                    attribute.ConstructorArguments.Length == 1 &&
                    attribute.ConstructorArguments[0].Value is string json)
                {
                    return json;
                }
            }

            return null;
        }

        /// <summary>The parsed model, or <see langword="null"/> when the generator wrote none (or one this version cannot read).</summary>
        public static WireDocument? ReadModel(Compilation compilation)
        {
            var json = ReadModelJson(compilation);
            if (json is null)
            {
                return null;
            }

            try
            {
                return WireJson.Read(json);
            }
            catch (JsonFormatException)
            {
                return null;
            }
        }

        /// <summary>
        /// As <see cref="ReadModel"/>, but parsed once per model text and shared between compilations (see
        /// <see cref="ParsedDocuments"/>): the caller must not change it.
        /// </summary>
        public static WireDocument? ReadSharedModel(Compilation compilation)
        {
            var json = ReadModelJson(compilation);
            return json is null ? null : ParsedDocuments.Model(json);
        }

        /// <summary>The project's <c>MessageContracts.Shipped.json</c> among the additional files, or <see langword="null"/>.</summary>
        public static AdditionalText? FindBaseline(System.Collections.Immutable.ImmutableArray<AdditionalText> files)
        {
            foreach (var file in files)
            {
                if (string.Equals(Path.GetFileName(file.Path), WireJson.BaselineFileName, StringComparison.OrdinalIgnoreCase))
                {
                    return file;
                }
            }

            return null;
        }
    }
}
