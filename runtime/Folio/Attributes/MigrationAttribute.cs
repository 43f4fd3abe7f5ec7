namespace Folio;

/// <summary>
/// One schema step of a <see cref="PagedDatabaseAttribute"/> class. On open, the steps whose
/// version is above the database's <c>PRAGMA user_version</c> run in version order, all in one
/// transaction, and <c>user_version</c> becomes the highest version.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MigrationAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="version">A positive version, unique within the class.</param>
    /// <param name="sql">One or more SQL statements.</param>
    public MigrationAttribute(int version, string sql)
    {
        Version = version;
        Sql = sql;
    }

    /// <summary>The version this step brings the database to.</summary>
    public int Version { get; }

    /// <summary>The SQL of the step.</summary>
    public string Sql { get; }
}
