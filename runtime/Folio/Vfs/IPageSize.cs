namespace Folio.Vfs;

/// <summary>
/// A page size known at compile time. The VFS implementation is generic over a struct of this
/// interface, so the JIT compiles a copy per page size with the size as a constant: the .NET
/// counterpart of a <c>const PAGE_SIZE</c> generic parameter.
/// </summary>
public interface IPageSize
{
    /// <summary>The page size in bytes, or 0 when it is only known at run time (from the store).</summary>
    static abstract int Value { get; }
}

#pragma warning disable CS1591 // each struct is its name
public readonly struct PageSize512 : IPageSize { public static int Value => 512; }
public readonly struct PageSize1024 : IPageSize { public static int Value => 1024; }
public readonly struct PageSize2048 : IPageSize { public static int Value => 2048; }
public readonly struct PageSize4096 : IPageSize { public static int Value => 4096; }
public readonly struct PageSize8192 : IPageSize { public static int Value => 8192; }
public readonly struct PageSize16384 : IPageSize { public static int Value => 16384; }
public readonly struct PageSize32768 : IPageSize { public static int Value => 32768; }
public readonly struct PageSize65536 : IPageSize { public static int Value => 65536; }
#pragma warning restore CS1591

/// <summary>The page size is the store's, read at run time: used by the general-purpose VFS.</summary>
public readonly struct RuntimePageSize : IPageSize
{
    /// <summary>0: take the size from the store.</summary>
    public static int Value => 0;
}
