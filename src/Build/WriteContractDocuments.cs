using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using MessageContracts.Shared.Wire;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace MessageContracts.Build
{
    /// <summary>
    /// Writes what the contract model in a freshly built assembly describes: <c>&lt;AssemblyName&gt;.asyncapi.json</c>
    /// and one JSON Schema per contract in the output folder and, when <see cref="UpdateBaseline"/> is set,
    /// <c>MessageContracts.Shipped.json</c> beside the project. Files are rewritten only when their text changes, so an
    /// unchanged build leaves their timestamps alone.
    /// </summary>
    public sealed class WriteContractDocuments : Task
    {
        /// <summary>The built assembly (the intermediate assembly in obj/).</summary>
        [Required]
        public string Assembly { get; set; } = string.Empty;

        /// <summary>The build's output folder.</summary>
        [Required]
        public string OutputDirectory { get; set; } = string.Empty;

        /// <summary>The assembly's name, for the document names.</summary>
        [Required]
        public string AssemblyName { get; set; } = string.Empty;

        /// <summary>The baseline file's path (beside the project file).</summary>
        public string BaselineFile { get; set; } = string.Empty;

        /// <summary>Write the baseline from the current contracts.</summary>
        public bool UpdateBaseline { get; set; }

        /// <summary>Every file this run wrote or kept, for the build's clean-up list.</summary>
        [Output]
        public ITaskItem[] Files { get; private set; } = Array.Empty<ITaskItem>();

        /// <inheritdoc/>
        public override bool Execute()
        {
            string? json;
            try
            {
                json = AssemblyModelReader.Read(Assembly);
            }
            catch (Exception exception) when (exception is IOException or BadImageFormatException or UnauthorizedAccessException)
            {
                Log.LogWarning(null, "MCB001", null, Assembly, 0, 0, 0, 0, "MessageContracts could not read the contract model from '{0}': {1}", Assembly, exception.Message);
                return true;
            }

            if (json is null)
            {
                Log.LogMessage(MessageImportance.Low, "MessageContracts: '{0}' has no contract model (no contracts, or MessageContractsDocuments=false); no documents written.", Assembly);
                return true;
            }

            WireDocument document;
            try
            {
                document = WireJson.Read(json);
            }
            catch (JsonFormatException exception)
            {
                Log.LogWarning(null, "MCB002", null, Assembly, 0, 0, 0, 0, "MessageContracts could not read the contract model in '{0}' ({1}); was it built by another version of the package?", Assembly, exception.Message);
                return true;
            }

            var written = new List<ITaskItem>();
            var asyncApi = Path.Combine(OutputDirectory, AssemblyName + ".asyncapi.json");
            WriteIfChanged(asyncApi, AsyncApiWriter.Write(document));
            written.Add(new TaskItem(asyncApi));

            var schemas = Path.Combine(OutputDirectory, AssemblyName + ".schemas");
            foreach (var contract in document.Contracts)
            {
                var path = Path.Combine(schemas, AsyncApiWriter.Sanitize(contract.CeType) + ".schema.json");
                WriteIfChanged(path, JsonText.WriteReadable(JsonSchemaWriter.Document(contract)));
                written.Add(new TaskItem(path));
            }

            if (UpdateBaseline && BaselineFile.Length > 0)
            {
                var changed = WriteIfChanged(BaselineFile, WireJson.WriteBaseline(document.Contracts));
                Log.LogMessage(
                    MessageImportance.High,
                    changed ? "MessageContracts: wrote the baseline of {0} contract(s) to {1}" : "MessageContracts: the baseline {1} is up to date ({0} contract(s))",
                    document.Contracts.Count,
                    BaselineFile);
            }

            Files = written.ToArray();
            return !Log.HasLoggedErrors;
        }

        private static bool WriteIfChanged(string path, string text)
        {
            if (File.Exists(path) && string.Equals(File.ReadAllText(path).Replace("\r\n", "\n"), text, StringComparison.Ordinal))
            {
                return false;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            return true;
        }
    }
}
