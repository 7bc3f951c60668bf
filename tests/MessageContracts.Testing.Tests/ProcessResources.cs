namespace MessageContracts.Testing.Tests;

/// <summary>Counts this process's threads and sockets from /proc (Linux).</summary>
internal static class ProcessResources
{
    /// <summary>Every thread of the process, native ones included, is a directory under /proc/self/task.</summary>
    public static int ThreadCount()
    {
        return Directory.GetDirectories("/proc/self/task").Length;
    }

    /// <summary>Open file descriptors whose link reads "socket:[inode]".</summary>
    public static int SocketCount()
    {
        int sockets = 0;
        foreach (string descriptor in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                string? target = new FileInfo(descriptor).LinkTarget;
                if (target is not null && target.StartsWith("socket:", StringComparison.Ordinal))
                {
                    sockets++;
                }
            }
            catch (IOException)
            {
                // Closed between listing and reading the link: not open any more, so not counted.
            }
        }

        return sockets;
    }
}
