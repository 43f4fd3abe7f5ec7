namespace Folio.Generator.Model;

/// <summary>
/// Where one SQL text of a database class is written: a migration's (key <c>migration N</c>) or a
/// typed method's (key: the method's name). Kept apart from <see cref="DatabaseSpec"/> so that
/// moving a class rewrites only the SQL model, not the generated code.
/// </summary>
/// <param name="Key">The migration or method it belongs to.</param>
/// <param name="FilePath">The source file, as the compiler names it.</param>
/// <param name="Line">1-based line of the SQL argument.</param>
/// <param name="Column">1-based column of the SQL argument.</param>
/// <param name="ColumnsReported">True when FOLIO108 was reported for the method: the check leaves its unread columns (FOLIO112) alone.</param>
/// <param name="NoRowsReported">True when FOLIO107 said the [Query] method's statement returns no rows: the check does not report its members (FOLIO111).</param>
internal sealed record SqlSite(string Key, string FilePath, int Line, int Column, bool ColumnsReported, bool NoRowsReported)
{
    /// <summary>The key of migration <paramref name="version"/>.</summary>
    public static string MigrationKey(int version) => "migration " + version.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
