using Folio.Storage;
using Folio.Vfs;

namespace Folio.Queries;

/// <summary>What generated <c>ValidateSql()</c> methods run.</summary>
/// <remarks>Meant for the code Folio's generator writes, not for applications.</remarks>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class SqlValidation
{
    /// <summary>
    /// Applies <paramref name="migrations"/> to a fresh in-memory database on
    /// <paramref name="registration"/>, then prepares every statement of <paramref name="shapes"/>,
    /// resolving its parameters and columns as a call would. <paramref name="isRegistrationStore"/>
    /// tells whether the registration's VFS takes a <see cref="MemoryPageStore"/> (else the general VFS is used). Returns one entry per failure; empty
    /// when everything prepared.
    /// </summary>
    public static IReadOnlyList<SqlValidationError> Run(VfsRegistration registration, Predicate<IPageStore> isRegistrationStore, int pageSize, ReadOnlySpan<Migration> migrations,
        IReadOnlyList<StatementShape> shapes, string className)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        var errors = new List<SqlValidationError>();
        var store = new MemoryPageStore($"{className}.validate.{Guid.NewGuid():N}", pageSize);
        FolioSession session;
        try
        {
            session = FolioSession.Open(registration, isRegistrationStore(store), store, pageSize, null, true, migrations, shapes.Count, className);
        }
        catch (FolioException e)
        {
            errors.Add(new SqlValidationError(e.Method ?? $"{className} migrations", e.Sql ?? "", e.SqliteMessage));
            return errors;
        }
        using (session)
        {
            foreach (var shape in shapes)
            {
                try
                {
                    FolioStatement.Prepare(session.Connection, shape, cached: false).Close();
                }
                catch (FolioException e)
                {
                    errors.Add(new SqlValidationError(shape.Method, shape.Sql, e.SqliteMessage));
                }
                catch (InvalidOperationException e)
                {
                    errors.Add(new SqlValidationError(shape.Method, shape.Sql, e.Message));
                }
            }
        }
        return errors;
    }
}
