namespace Folio.Vfs;

/// <summary>
/// How a call's write meets the other writers of its process: SQLite's busy handler is off on the
/// asynchronous path, so a refused RESERVED lock comes back to the call with the reason, and the
/// call awaits what it needs (its turn among the writers, or a fresh read) and runs again.
/// </summary>
internal sealed partial class AsyncCall
{
    private bool _freshReadRequested;
    private bool _writerTurnRequested;
    private bool _holdsWriterTurn;

    /// <summary>A write was refused because the prepared read is older than what this process knows (see <see cref="TakeFreshReadRequest"/>).</summary>
    public void RequestFreshRead() => _freshReadRequested = true;

    /// <summary>True once after <see cref="RequestFreshRead"/>: the call should start over on a new read start.</summary>
    public bool TakeFreshReadRequest()
    {
        var requested = _freshReadRequested;
        _freshReadRequested = false;
        return requested;
    }

    /// <summary>A write was refused because other writers are ahead (see <see cref="TakeWriterTurnRequest"/>).</summary>
    public void RequestWriterTurn() => _writerTurnRequested = true;

    /// <summary>True once after <see cref="RequestWriterTurn"/>: the call should queue for the writers' turn.</summary>
    public bool TakeWriterTurnRequest()
    {
        var requested = _writerTurnRequested;
        _writerTurnRequested = false;
        return requested;
    }

    /// <summary>
    /// Queues for the writers' turn (unless the call has it already); the call then runs again on
    /// a fresh read and keeps the turn until it ends (<see cref="Dispose"/>).
    /// </summary>
    public async ValueTask WaitForWriterTurnAsync(CancellationToken cancellationToken)
    {
        var locks = _shared.Locks;
        if (!_holdsWriterTurn)
        {
            await locks.WriterQueue.WaitAsync(cancellationToken).ConfigureAwait(false);
            locks.TakeWriterTurn(this);
            _holdsWriterTurn = true;
        }
        // The turn is ours; the writer holding the lock now (one that got in first) finishes.
        await locks.WhenWriterLeaves().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends the call's turn among the writers, if it had one (after its commit completed).</summary>
    private void EndWriterTurn()
    {
        if (_holdsWriterTurn)
        {
            _holdsWriterTurn = false;
            _shared.Locks.EndWriterTurn(this); // the next writer begins on this call's commit
        }
    }
}
