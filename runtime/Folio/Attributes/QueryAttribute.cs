namespace Folio;

/// <summary>
/// Makes a <see langword="partial"/> method of a <see cref="PagedDatabaseAttribute"/> class run
/// one SQL statement and return its rows. Parameters bind by name (<c>$x</c>, <c>:x</c> or
/// <c>@x</c> to the C# parameter <c>x</c>); a <see cref="System.Threading.CancellationToken"/>
/// parameter interrupts the statement.
/// </summary>
/// <remarks>
/// Return types: <c>List&lt;T&gt;</c>, <c>IReadOnlyList&lt;T&gt;</c>, <c>IEnumerable&lt;T&gt;</c>
/// (streamed), <c>T?</c> (the first row or null) and <c>T</c> (exactly one row). <c>T</c> is a
/// scalar, a tuple (columns by position) or a class or record (columns by name, ignoring case and
/// underscores, through constructor parameters or settable properties).
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class QueryAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="sql">One SQL statement.</param>
    public QueryAttribute(string sql)
    {
        Sql = sql;
    }

    /// <summary>The SQL statement.</summary>
    public string Sql { get; }
}

/// <summary>
/// Makes a <see langword="partial"/> method of a <see cref="PagedDatabaseAttribute"/> class run
/// one SQL statement for its effect. It returns <see langword="void"/> or <see langword="int"/>
/// (the rows changed). Parameters bind as with <see cref="QueryAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ExecuteAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="sql">One SQL statement.</param>
    public ExecuteAttribute(string sql)
    {
        Sql = sql;
    }

    /// <summary>The SQL statement.</summary>
    public string Sql { get; }
}
