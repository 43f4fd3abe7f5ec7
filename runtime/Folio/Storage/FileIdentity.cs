using System.Runtime.InteropServices;

namespace Folio.Storage;

/// <summary>
/// Which file a path names right now: its device and inode, from one <c>stat</c> call. Two values
/// differ when the file at the path was replaced (moved over, or deleted and created again), even
/// though connections opened earlier still read and write the old one.
/// </summary>
/// <remarks>
/// Linux only: <c>st_dev</c> and <c>st_ino</c> are the first two 8-byte fields of <c>struct stat</c>
/// on x64 and arm64 alike. Elsewhere <see cref="Of"/> returns null and no replacement is detected.
/// </remarks>
internal readonly partial record struct FileIdentity(ulong Device, ulong Inode)
{
    private const int ENOENT = 2;

    /// <summary>The path as <c>stat</c> takes it (UTF-8, NUL-terminated): made once per file, since the check runs at every read start.</summary>
    public static byte[] NativePath(string path) => System.Text.Encoding.UTF8.GetBytes(path + "\0");

    /// <summary>The identity of the file at <paramref name="nativePath"/> (from <see cref="NativePath"/>); null when there is none (or the platform cannot tell).</summary>
    /// <param name="nativePath">The path, UTF-8 and NUL-terminated.</param>
    /// <param name="path">The same path, for messages.</param>
    public static unsafe FileIdentity? Of(byte[] nativePath, string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        var buffer = stackalloc ulong[32]; // struct stat is 144 (x64) or 128 (arm64) bytes
        int rc;
        fixed (byte* p = nativePath)
        {
            rc = Stat(p, buffer);
        }
        if (rc == 0)
        {
            return new FileIdentity(buffer[0], buffer[1]);
        }
        var errno = Marshal.GetLastPInvokeError();
        if (errno == ENOENT)
        {
            return null;
        }
        throw new IOException($"Folio file store '{path}': stat failed with errno {errno}.");
    }

    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static unsafe partial int Stat(byte* path, ulong* buffer);
}
