namespace MessageContracts.Generators.Tests.Infrastructure;

/// <summary>
/// Golden-file comparison for generated sources. The expected text lives in <c>Snapshots/*.g.cs.txt</c> next to
/// the tests; set <c>UPDATE_SNAPSHOTS=1</c> to (re)write the files instead of comparing, then review the diff.
/// </summary>
internal static class Snapshot
{
    public static void Match(string actual, string name)
    {
        var directory = Path.Combine(FindProjectDirectory(), "Snapshots");
        var path = Path.Combine(directory, name + ".txt");
        actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") is "1" or "true")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"No snapshot at {path}. Run the tests with UPDATE_SNAPSHOTS=1 to create it.");
        var expected = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (expected != actual)
        {
            var expectedLines = expected.Split('\n');
            var actualLines = actual.Split('\n');
            var line = 0;
            while (line < expectedLines.Length && line < actualLines.Length && expectedLines[line] == actualLines[line])
            {
                line++;
            }

            Assert.Fail(
                $"Generated source differs from {path} at line {line + 1}.\n" +
                $"expected: {(line < expectedLines.Length ? expectedLines[line] : "<end>")}\n" +
                $"actual:   {(line < actualLines.Length ? actualLines[line] : "<end>")}\n" +
                "Run the tests with UPDATE_SNAPSHOTS=1 to accept the new output, and review the diff.");
        }
    }

    // Not [CallerFilePath]: CI builds map source paths to "/_/" (deterministic builds), so walk up from the
    // test binaries to the project folder instead.
    private static string FindProjectDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MessageContracts.Generators.Tests.csproj")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"MessageContracts.Generators.Tests.csproj not found above {AppContext.BaseDirectory}.");
    }
}
