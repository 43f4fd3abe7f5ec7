using Folio.Storage;

namespace Folio.Vfs;

/// <summary>
/// A write that skips the read start: a call known to write (<see cref="WritesByIntent"/>) runs
/// its first attempt on the newest head this process knows, from its cached pages, and its commit
/// expects that version. The store refuses the commit if another writer got in between; then, or
/// when the attempt fails in any other way, nothing of it may reach the caller: the call runs
/// again on a real read start. An attempt that committed nothing has proved nothing, so its
/// result stands only once a read start confirms the store is still at that version.
/// </summary>
internal sealed partial class AsyncCall
{
    private bool _writesByIntent;

    /// <summary>True while the prepared read is an assumed one that no commit or read start has confirmed yet.</summary>
    public bool IsAssumed { get; private set; }

    /// <summary>The call is known to write: its first attempt may skip the read start (see the type's remarks).</summary>
    public void WritesByIntent() => _writesByIntent = true;

    /// <summary>True when a statement the call ran may write (it is not read-only for SQLite).</summary>
    public bool RanWriteStatement { get; private set; }

    /// <summary>A typed method's statement is about to run in this call.</summary>
    public void OnStatement(bool readOnly) => RanWriteStatement |= !readOnly;

    /// <summary>The first attempt of a call that writes by intent: a read at the known head, with no store call.</summary>
    private bool TryAssumeRead()
    {
        if (!_writesByIntent)
        {
            return false;
        }
        _writesByIntent = false; // once per call: every later attempt starts with a real read start
        if (!_shared.TryBeginAssumedRead(out var reader, out var cache))
        {
            return false;
        }
        (_reader, _cache) = (reader, cache);
        IsAssumed = true;
        return true;
    }

    /// <summary>A commit of the call was applied at the version it expected: the assumption held.</summary>
    private void Confirmed() => IsAssumed = false;

    /// <summary>
    /// An assumed attempt that committed nothing: a real read start tells whether the store is
    /// still at the assumed version, so the attempt's result is the store's current one. When it
    /// moved on, the read start is kept for the next attempt and this returns false.
    /// </summary>
    public async ValueTask<bool> ConfirmAssumedAsync(CancellationToken cancellationToken)
    {
        var (lineage, version) = (_reader!.Lineage, _reader.Version);
        StartOver();
        await PrepareAsync(cancellationToken).ConfigureAwait(false);
        return _reader is { } current && current.Lineage == lineage && current.Version == version;
    }
}
