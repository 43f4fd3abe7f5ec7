using Folio.Storage;

namespace Folio.Chaos;

/// <summary>
/// The file store, shared between this process's client threads and child processes, one file per
/// database: child clients killed with SIGKILL at random and as a store commit starts, and a
/// client thread's store operations failed by injection.
/// </summary>
internal sealed class FileRun(TimeSpan duration, int seed) : ChaosRun("file", duration, seed)
{
    private readonly string _directory = Directory.CreateTempSubdirectory("folio-chaos-").FullName;

    protected override string ClientSpec => Stores.FileSpec(_directory);

    protected override bool MarkCommits => true;

    protected override IReadOnlyList<(string Kind, Func<bool> Inject)> FaultKinds =>
    [
        ("kill-client", KillClient),
        ("kill-in-commit", KillInCommit),
    ];

    protected override IPageStore OpenDirect(string database) => Stores.Open(ClientSpec, database);

    protected override void Heal()
    {
    }

    public override void Dispose()
    {
        base.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
