using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace MessageContracts.Testing.Kafka.Native;

/// <summary>
/// Points this assembly's P/Invokes at the very librdkafka file that Confluent.Kafka loaded.
/// </summary>
/// <remarks>
/// Confluent.Kafka does not load a file called "librdkafka" by name: it tries several builds it ships
/// (on Debian 12, for one, the default build needs libsasl2.so.3, which is missing, so it silently falls
/// back to another build). A plain <c>[DllImport("librdkafka")]</c> would therefore fail, or worse, load a
/// second copy of the library whose mock cluster the clients cannot see. So we let Confluent.Kafka load
/// its library first, find that file among the process's loaded modules, and resolve our imports to it;
/// loading an already-loaded file again returns the same instance.
/// </remarks>
internal static class LibrdkafkaBinding
{
    /// <summary>The library name our P/Invoke declarations use; the resolver maps it to the loaded file.</summary>
    internal const string LibraryName = "librdkafka";

    /// <summary>A symbol only a librdkafka build with the mock cluster exports.</summary>
    private const string MockSymbol = "rd_kafka_mock_cluster_new";

    private static readonly object Gate = new();
    private static IntPtr libraryHandle;

    /// <summary>
    /// Installs the import resolver once. Safe to call from many threads; every call after the first
    /// successful one returns at once. Throws when the loaded librdkafka cannot be found.
    /// </summary>
    internal static void EnsureInstalled()
    {
        lock (Gate)
        {
            if (libraryHandle != IntPtr.Zero)
            {
                return;
            }

            IntPtr handle = LoadConfluentsLibrary();

            // Set before installing: the resolver reads it, and a failed install must not leave it half set.
            NativeLibrary.SetDllImportResolver(typeof(LibrdkafkaBinding).Assembly, Resolve);
            libraryHandle = handle;
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        // IntPtr.Zero hands any other name back to the runtime's default probing.
        return libraryName == LibraryName ? libraryHandle : IntPtr.Zero;
    }

    private static IntPtr LoadConfluentsLibrary()
    {
        // Reading the version forces Confluent.Kafka to load its native library (it does so lazily).
        string version = Confluent.Kafka.Library.VersionString;

        List<string> candidates = FindLoadedLibrdkafkaFiles();
        foreach (string path in candidates)
        {
            // dlopen/LoadLibrary of a file that is already loaded returns the existing instance.
            IntPtr handle = NativeLibrary.Load(path);
            if (NativeLibrary.TryGetExport(handle, MockSymbol, out _))
            {
                return handle;
            }

            NativeLibrary.Free(handle);
        }

        string found = candidates.Count == 0 ? "none" : string.Join(", ", candidates);
        throw new InvalidOperationException(
            $"Could not find the librdkafka library that Confluent.Kafka loaded (version {version}). " +
            $"Looked among this process's loaded modules for a file whose name contains \"{LibraryName}\" " +
            $"and that exports {MockSymbol}; files found: {found}.");
    }

    private static List<string> FindLoadedLibrdkafkaFiles()
    {
        var paths = new List<string>();
        using Process process = Process.GetCurrentProcess();
        foreach (ProcessModule module in process.Modules)
        {
            string? path = module.FileName;
            if (string.IsNullOrEmpty(path))
            {
                continue;
            }

            string fileName = Path.GetFileName(path);
            if (fileName.Contains(LibraryName, StringComparison.OrdinalIgnoreCase) && !paths.Contains(path))
            {
                paths.Add(path);
            }
        }

        return paths;
    }
}
