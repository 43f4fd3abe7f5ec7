using Folio.Storage;

namespace Folio.Vfs;

/// <summary>
/// The sync path's twin of <see cref="AsyncCall"/>'s assumed reads: the first attempt of a
/// retrying write transaction (<c>FolioSession.Transaction</c>) marks its thread, and the first
/// read start it makes on that database (its <c>BEGIN IMMEDIATE</c>) begins on the newest head the
/// process knows, with no store call (<see cref="SharedDatabase.TryBeginAssumedRead"/>). Its commit
/// expects that version; until a commit of the attempt is applied, the attempt is
/// <see cref="IsAssumed"/>, and the transaction runs it again on a real read start if it fails or
/// is refused, or confirms the head with a read start if it committed nothing.
/// </summary>
/// <remarks>The mark lives on the thread: a sync transaction's work runs on it, start to end.</remarks>
internal sealed class AssumedStart : IDisposable
{
    [ThreadStatic]
    private static AssumedStart? t_current;

    private readonly DatabaseState _state;
    private readonly AssumedStart? _outer;
    private bool _offered;

    private AssumedStart(DatabaseState state, AssumedStart? outer)
    {
        _state = state;
        _outer = outer;
    }

    /// <summary>True once the attempt's read began on an assumed head, until a commit of it is applied.</summary>
    public bool IsAssumed { get; private set; }

    /// <summary>The assumed head's lineage.</summary>
    public StoreLineage Lineage { get; private set; }

    /// <summary>The assumed head's version.</summary>
    public long Version { get; private set; }

    /// <summary>Marks this thread for one attempt of a write transaction on <paramref name="state"/>'s database.</summary>
    public static AssumedStart Begin(DatabaseState state) => t_current = new AssumedStart(state, t_current);

    /// <summary>The mark for <paramref name="state"/>'s database, the first time a read starts under it; null otherwise.</summary>
    public static AssumedStart? Take(DatabaseState state)
    {
        var mark = t_current;
        if (mark is null || mark._state != state || mark._offered)
        {
            return null;
        }
        mark._offered = true;
        return mark;
    }

    /// <summary>The read began on <paramref name="reader"/>'s assumed head.</summary>
    public void Began(IPageStoreReader reader)
    {
        (Lineage, Version) = (reader.Lineage, reader.Version);
        IsAssumed = true;
    }

    /// <summary>A commit on <paramref name="state"/>'s database was applied on this thread: the assumed head was current.</summary>
    public static void OnPublished(DatabaseState state)
    {
        if (t_current is { } mark && mark._state == state)
        {
            mark.IsAssumed = false;
        }
    }

    /// <summary>Ends the attempt's mark.</summary>
    public void Dispose()
    {
        if (ReferenceEquals(t_current, this))
        {
            t_current = _outer;
        }
    }
}
