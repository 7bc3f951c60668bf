using System.Diagnostics;
using System.Text;

namespace MessageContracts.Generators.Tests.Documents;

/// <summary>
/// Runs the official validators: the AsyncAPI parser (<c>@asyncapi/parser</c>) and ajv for JSON Schema 2020-12. The
/// first use installs them with npm into the test's output folder (Documents/Node/package.json pins the versions);
/// when node or npm is missing, or the install fails, the test fails: it never skips.
/// </summary>
internal static class NodeValidator
{
    private static readonly Lazy<string> Directory = new(Install, LazyThreadSafetyMode.ExecutionAndPublication);

    public sealed record Result(int ExitCode, string Output)
    {
        public IReadOnlyList<string> Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public static Result ValidateAsyncApi(params string[] files) => Run("node", ["validate.mjs", "asyncapi", .. files]);

    public static Result ValidateSchema(string schema, params string[] instances) => Run("node", ["validate.mjs", "schema", schema, .. instances]);

    private static Result Run(string program, string[] arguments, string? directory = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory ?? Directory.Value,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException($"'{program}' could not be started ({exception.Message}); the AsyncAPI and JSON Schema tests need Node.js and npm on the PATH (scripts/test.sh installs them).", exception);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{program} {string.Join(' ', arguments)}' did not finish:\n{output}");
        }

        process.WaitForExit();
        lock (output)
        {
            return new Result(process.ExitCode, output.ToString());
        }
    }

    private static string Install()
    {
        var source = Path.Combine(AppContext.BaseDirectory, "Documents", "Node");
        var directory = Path.Combine(AppContext.BaseDirectory, "node-validators");
        System.IO.Directory.CreateDirectory(directory);
        foreach (var file in new[] { "package.json", "validate.mjs" })
        {
            File.Copy(Path.Combine(source, file), Path.Combine(directory, file), overwrite: true);
        }

        if (!File.Exists(Path.Combine(directory, "node_modules", "@asyncapi", "parser", "package.json")) ||
            !File.Exists(Path.Combine(directory, "node_modules", "ajv", "package.json")))
        {
            var install = Run("npm", ["install", "--no-audit", "--no-fund", "--no-package-lock"], directory, TimeSpan.FromMinutes(8));
            if (install.ExitCode != 0)
            {
                throw new InvalidOperationException("npm install of the validators failed:\n" + install.Output);
            }
        }

        return directory;
    }
}
