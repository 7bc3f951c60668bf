using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MessageContracts.Analyzers.Compatibility;
using MessageContracts.Shared.Wire;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace MessageContracts.CodeFixes
{
    /// <summary>
    /// Reads and writes a project's <c>MessageContracts.Shipped.json</c> as an additional document, so accepting a
    /// change is an edit of that file, visible in review. Every write is the canonical format
    /// (<see cref="WireJson.WriteBaseline"/>), the same the build writes.
    /// </summary>
    internal static class BaselineDocument
    {
        public static TextDocument? Find(Project project) =>
            project.AdditionalDocuments.FirstOrDefault(d => string.Equals(Path.GetFileName(d.FilePath ?? d.Name), WireJson.BaselineFileName, StringComparison.OrdinalIgnoreCase));

        /// <summary>The current contracts of <paramref name="project"/>, from the model the generator wrote into its compilation.</summary>
        public static async Task<List<WireContract>?> CurrentContractsAsync(Project project, CancellationToken cancellationToken)
        {
            var compilation = await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
            return compilation is null ? null : ContractModelSource.ReadModel(compilation)?.Contracts;
        }

        /// <summary>Writes <paramref name="contracts"/> as the project's baseline: replaces the file's text, or adds the file beside the project.</summary>
        public static Solution Write(Project project, IEnumerable<WireContract> contracts)
        {
            var text = SourceText.From(WireJson.WriteBaseline(contracts), System.Text.Encoding.UTF8);
            var existing = Find(project);
            if (existing is not null)
            {
                return project.Solution.WithAdditionalDocumentText(existing.Id, text);
            }

            var directory = project.FilePath is { } projectFile ? Path.GetDirectoryName(projectFile) : null;
            var path = directory is null ? null : Path.Combine(directory, WireJson.BaselineFileName);
            return project.AddAdditionalDocument(WireJson.BaselineFileName, text, folders: null, filePath: path).Project.Solution;
        }

        /// <summary>
        /// Accepts changes into the baseline: for each (baseline <c>ce_type</c>, current contract) pair, drops the entry of
        /// that <c>ce_type</c> and adds the current form (none for a removed contract).
        /// </summary>
        public static async Task<Solution> AcceptAsync(Project project, IEnumerable<(string? BaselineCeType, WireContract? Current)> changes, CancellationToken cancellationToken)
        {
            var existing = Find(project);
            if (existing is null)
            {
                return project.Solution;
            }

            var text = await existing.GetTextAsync(cancellationToken).ConfigureAwait(false);
            List<WireContract> contracts;
            try
            {
                contracts = WireJson.Read(text.ToString()).Contracts;
            }
            catch (JsonFormatException)
            {
                return project.Solution; // MC0038 has its own fix, which writes the file anew
            }

            foreach (var (baselineCeType, current) in changes)
            {
                if (baselineCeType is not null)
                {
                    contracts.RemoveAll(c => c.CeType == baselineCeType);
                }

                if (current is not null)
                {
                    contracts.RemoveAll(c => c.CeType == current.CeType);
                    contracts.Add(current);
                }
            }

            return Write(project, contracts);
        }
    }
}
