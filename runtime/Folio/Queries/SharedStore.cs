using Folio.Storage;
using Folio.Vfs;

namespace Folio.Queries;

/// <summary>
/// Lets several database objects in one process use one store under one name. A VFS attaches one
/// store per name; opening a file database twice (<c>TodoDb.Open(path)</c> from two places) would
/// otherwise create a second store for the same name and be refused. When the second store is
/// one the session layer owns (made by a factory) and of the same type, it is disposed and the
/// first one is used instead; the store is disposed when the last session using it closes, if a
/// session owned it.
/// </summary>
internal sealed class SharedStore
{
    private static readonly Dictionary<(VfsRegistration Vfs, string Name), SharedStore> ByName = new();
    private static readonly Lock Gate = new();

    private readonly (VfsRegistration Vfs, string Name) _key;
    private readonly bool _owned;
    private int _sessions;

    private SharedStore((VfsRegistration, string) key, IPageStore store, bool owned)
    {
        _key = key;
        Store = store;
        _owned = owned;
    }

    public IPageStore Store { get; }

    /// <summary>
    /// The shared entry to attach through, or null when <paramref name="store"/> cannot share one
    /// (another instance the caller owns is attached under the name: attaching reports it).
    /// </summary>
    public static SharedStore? Acquire(VfsRegistration vfs, string name, IPageStore store, bool ownsStore)
    {
        lock (Gate)
        {
            if (!ByName.TryGetValue((vfs, name), out var shared))
            {
                shared = new SharedStore((vfs, name), store, ownsStore);
                ByName[(vfs, name)] = shared;
            }
            else if (!ReferenceEquals(shared.Store, store))
            {
                if (!ownsStore || shared.Store.GetType() != store.GetType())
                {
                    return null;
                }
                store.Dispose(); // a duplicate of the attached store, made for this open only
            }
            shared._sessions++;
            return shared;
        }
    }

    /// <summary>Ends one session's use; the last one disposes the store if a session owned it.</summary>
    public void Release()
    {
        lock (Gate)
        {
            if (--_sessions > 0)
            {
                return;
            }
            ByName.Remove(_key);
        }
        if (_owned)
        {
            Store.Dispose();
        }
    }
}
