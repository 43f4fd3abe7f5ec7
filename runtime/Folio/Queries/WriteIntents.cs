using System.Collections.Concurrent;

namespace Folio.Queries;

/// <summary>
/// What each async typed method of one database object did the last time it ran: whether one of
/// its statements may write (SQLite's <c>sqlite3_stmt_readonly</c> says no). A method that writes
/// starts its next call without a read start (see <c>Vfs.AsyncCall</c>'s assumed reads); the
/// guess is only ever a cost, never a result: a write's commit, or a read start after a call
/// that committed nothing, confirms the head it ran on.
/// </summary>
/// <remarks>
/// Keyed by the method's body: generated code passes a static lambda, one instance per call site.
/// A body made anew for every call (a capturing lambda written by hand) would be a new key each
/// time, so the table stops taking new keys at <see cref="MaxBodies"/>; a body it does not know
/// simply starts with a read start.
/// </remarks>
internal sealed class WriteIntents
{
    /// <summary>How many bodies the table knows at most.</summary>
    public const int MaxBodies = 4096;

    private readonly ConcurrentDictionary<object, bool> _byBody = new(ReferenceEqualityComparer.Instance);

    /// <summary>True when <paramref name="body"/> ran a statement that may write the last time.</summary>
    public bool Writes(object body) => _byBody.TryGetValue(body, out var writes) && writes;

    /// <summary>Records what <paramref name="body"/> did in the call that just succeeded.</summary>
    public void Learn(object body, bool writes)
    {
        if (_byBody.TryGetValue(body, out var known))
        {
            if (known != writes)
            {
                _byBody[body] = writes;
            }
        }
        else if (writes && _byBody.Count < MaxBodies)
        {
            _byBody.TryAdd(body, writes); // a body that does not write needs no entry: unknown reads as "does not write"
        }
    }
}
