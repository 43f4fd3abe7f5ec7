using System.Collections.Concurrent;
using static Folio.Interop.SqliteConstants;

namespace Folio.Vfs;

/// <summary>
/// A journal or temporary file kept in memory. Journals never reach the store: the main file's
/// commit is atomic by itself, so a journal only has to serve ROLLBACK within this process.
/// </summary>
internal sealed class MemoryFile : VfsFile
{
    private const int ChunkSize = 64 * 1024;

    public MemoryFile(MemoryFileData data, bool deleteOnClose, ConcurrentDictionary<string, MemoryFileData>? directory, string? name)
    {
        Data = data;
        DeleteOnClose = deleteOnClose;
        Directory = directory;
        Name = name;
    }

    public MemoryFileData Data { get; }

    public bool DeleteOnClose { get; }

    public ConcurrentDictionary<string, MemoryFileData>? Directory { get; }

    public string? Name { get; }

    public void Close()
    {
        if (DeleteOnClose && Name is not null)
        {
            Directory?.TryRemove(new KeyValuePair<string, MemoryFileData>(Name, Data));
        }
    }

    /// <summary>The bytes of one in-memory file, in 64 KiB chunks so growth never copies.</summary>
    internal sealed class MemoryFileData
    {
        private readonly List<byte[]> _chunks = [];
        private readonly Lock _lock = new();

        public long Size { get; private set; }

        public int Read(Span<byte> buffer, long offset)
        {
            lock (_lock)
            {
                var available = (int)Math.Clamp(Size - offset, 0, buffer.Length);
                CopyOut(buffer[..available], offset);
                if (available < buffer.Length)
                {
                    buffer[available..].Clear();
                    return SQLITE_IOERR_SHORT_READ;
                }
                return SQLITE_OK;
            }
        }

        public void Write(ReadOnlySpan<byte> data, long offset)
        {
            lock (_lock)
            {
                var end = offset + data.Length;
                while ((long)_chunks.Count * ChunkSize < end)
                {
                    _chunks.Add(new byte[ChunkSize]);
                }
                var position = offset;
                while (!data.IsEmpty)
                {
                    var chunk = _chunks[(int)(position / ChunkSize)];
                    var inChunk = (int)(position % ChunkSize);
                    var n = Math.Min(ChunkSize - inChunk, data.Length);
                    data[..n].CopyTo(chunk.AsSpan(inChunk));
                    data = data[n..];
                    position += n;
                }
                Size = Math.Max(Size, end);
            }
        }

        public void Truncate(long size)
        {
            lock (_lock)
            {
                if (size >= Size)
                {
                    return;
                }
                // Zero what lies past the new end so a later extension reads zeros, then drop whole chunks.
                var keepChunks = (int)((size + ChunkSize - 1) / ChunkSize);
                if (size % ChunkSize != 0)
                {
                    _chunks[keepChunks - 1].AsSpan((int)(size % ChunkSize)).Clear();
                }
                _chunks.RemoveRange(keepChunks, _chunks.Count - keepChunks);
                Size = size;
            }
        }

        private void CopyOut(Span<byte> buffer, long offset)
        {
            var position = offset;
            while (!buffer.IsEmpty)
            {
                var chunk = _chunks[(int)(position / ChunkSize)];
                var inChunk = (int)(position % ChunkSize);
                var n = Math.Min(ChunkSize - inChunk, buffer.Length);
                chunk.AsSpan(inChunk, n).CopyTo(buffer);
                buffer = buffer[n..];
                position += n;
            }
        }
    }
}
