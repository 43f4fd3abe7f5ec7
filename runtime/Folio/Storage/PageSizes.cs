namespace Folio.Storage;

/// <summary>Checks and explains page sizes.</summary>
public static class PageSizes
{
    /// <summary>The smallest page size SQLite accepts.</summary>
    public const int Min = 512;

    /// <summary>The largest page size SQLite accepts.</summary>
    public const int Max = 65536;

    /// <summary>The page size used when none is given.</summary>
    public const int Default = 4096;

    /// <summary>True when <paramref name="pageSize"/> is a power of two from 512 to 65536.</summary>
    public static bool IsValid(int pageSize) => pageSize is >= Min and <= Max && (pageSize & (pageSize - 1)) == 0;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the value when it is not a valid page size.</summary>
    public static void Validate(int pageSize, string? database = null)
    {
        if (!IsValid(pageSize))
        {
            var where = database is null ? "" : $" for database '{database}'";
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize,
                $"Page size {pageSize}{where} is invalid: it must be a power of two from {Min} to {Max}.");
        }
    }
}
