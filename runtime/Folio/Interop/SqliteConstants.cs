namespace Folio.Interop;

/// <summary>The SQLite result codes, flags and file-control numbers the VFS uses (values from sqlite3.h).</summary>
public static class SqliteConstants
{
#pragma warning disable CS1591 // names are SQLite's own
    public const int SQLITE_OK = 0;
    public const int SQLITE_ERROR = 1;
    public const int SQLITE_BUSY = 5;
    public const int SQLITE_NOMEM = 7;
    public const int SQLITE_READONLY = 8;
    public const int SQLITE_ABORT = 4;
    public const int SQLITE_IOERR = 10;
    public const int SQLITE_CORRUPT = 11;
    public const int SQLITE_NOTFOUND = 12;
    public const int SQLITE_FULL = 13;
    public const int SQLITE_CANTOPEN = 14;
    public const int SQLITE_TOOBIG = 18;
    public const int SQLITE_ROW = 100;
    public const int SQLITE_DONE = 101;

    public const int SQLITE_IOERR_READ = SQLITE_IOERR | (1 << 8);
    public const int SQLITE_IOERR_SHORT_READ = SQLITE_IOERR | (2 << 8);
    public const int SQLITE_IOERR_WRITE = SQLITE_IOERR | (3 << 8);
    public const int SQLITE_IOERR_FSYNC = SQLITE_IOERR | (4 << 8);
    public const int SQLITE_IOERR_TRUNCATE = SQLITE_IOERR | (6 << 8);
    public const int SQLITE_IOERR_FSTAT = SQLITE_IOERR | (7 << 8);
    public const int SQLITE_IOERR_UNLOCK = SQLITE_IOERR | (8 << 8);
    public const int SQLITE_IOERR_LOCK = SQLITE_IOERR | (15 << 8);
    public const int SQLITE_IOERR_CLOSE = SQLITE_IOERR | (16 << 8);
    public const int SQLITE_IOERR_DELETE = SQLITE_IOERR | (10 << 8);
    public const int SQLITE_IOERR_ACCESS = SQLITE_IOERR | (13 << 8);
    public const int SQLITE_IOERR_CHECKRESERVEDLOCK = SQLITE_IOERR | (14 << 8);
    public const int SQLITE_CORRUPT_VTAB = SQLITE_CORRUPT | (1 << 8);

    public const int SQLITE_OPEN_READONLY = 0x00000001;
    public const int SQLITE_OPEN_READWRITE = 0x00000002;
    public const int SQLITE_OPEN_CREATE = 0x00000004;
    public const int SQLITE_OPEN_DELETEONCLOSE = 0x00000008;
    public const int SQLITE_OPEN_URI = 0x00000040;
    public const int SQLITE_OPEN_MAIN_DB = 0x00000100;
    public const int SQLITE_OPEN_TEMP_DB = 0x00000200;
    public const int SQLITE_OPEN_TRANSIENT_DB = 0x00000400;
    public const int SQLITE_OPEN_MAIN_JOURNAL = 0x00000800;
    public const int SQLITE_OPEN_TEMP_JOURNAL = 0x00001000;
    public const int SQLITE_OPEN_SUBJOURNAL = 0x00002000;
    public const int SQLITE_OPEN_SUPER_JOURNAL = 0x00004000;
    public const int SQLITE_OPEN_NOMUTEX = 0x00008000;
    public const int SQLITE_OPEN_FULLMUTEX = 0x00010000;
    public const int SQLITE_OPEN_WAL = 0x00080000;

    public const int SQLITE_ACCESS_EXISTS = 0;
    public const int SQLITE_ACCESS_READWRITE = 1;
    public const int SQLITE_ACCESS_READ = 2;

    public const int SQLITE_LOCK_NONE = 0;
    public const int SQLITE_LOCK_SHARED = 1;
    public const int SQLITE_LOCK_RESERVED = 2;
    public const int SQLITE_LOCK_PENDING = 3;
    public const int SQLITE_LOCK_EXCLUSIVE = 4;

    public const int SQLITE_IOCAP_SAFE_APPEND = 0x00000200;
    public const int SQLITE_IOCAP_SEQUENTIAL = 0x00000400;
    public const int SQLITE_IOCAP_POWERSAFE_OVERWRITE = 0x00001000;

    public const int SQLITE_FCNTL_SIZE_HINT = 5;
    public const int SQLITE_FCNTL_PRAGMA = 14;
    public const int SQLITE_FCNTL_SYNC = 21;
    public const int SQLITE_FCNTL_COMMIT_PHASETWO = 22;
#pragma warning restore CS1591
}
