namespace Folio.Queries;

/// <summary>
/// What generated code knows about one typed method's statement at compile time: its SQL, its
/// parameters and the members its rows fill. One static instance per method; the runtime resolves
/// it against SQLite once per connection, when the statement is first prepared.
/// Meant for the code Folio's generator writes, not for applications.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public sealed class StatementShape
{
    /// <summary>Creates a shape.</summary>
    /// <param name="method">The method's name as users see it, e.g. <c>TodoDb.ListTodos</c>.</param>
    /// <param name="sql">One SQL statement.</param>
    /// <param name="parameters">The SQL parameter names as written (<c>$x</c>, <c>:x</c>, <c>@x</c>), in binding slot order.</param>
    /// <param name="members">The C# members each row fills, in reading slot order (empty for statements that return nothing).</param>
    /// <param name="byName">True when columns match <paramref name="members"/> by name; false when they are taken by position.</param>
    public StatementShape(string method, string sql, string[] parameters, string[] members, bool byName)
    {
        Method = method ?? throw new ArgumentNullException(nameof(method));
        Sql = sql ?? throw new ArgumentNullException(nameof(sql));
        Parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        Members = members ?? throw new ArgumentNullException(nameof(members));
        ByName = byName;
    }

    /// <summary>The method's name as users see it.</summary>
    public string Method { get; }

    /// <summary>The SQL statement.</summary>
    public string Sql { get; }

    /// <summary>The SQL parameter names, one per binding slot.</summary>
    public string[] Parameters { get; }

    /// <summary>The C# members rows fill, one per reading slot.</summary>
    public string[] Members { get; }

    /// <summary>Columns match members by name (true) or by position (false).</summary>
    public bool ByName { get; }

    /// <summary>
    /// The key a member or column name is compared by: letters and digits only, lower-cased, so
    /// <c>created_at</c>, <c>CreatedAt</c> and <c>createdAt</c> all match.
    /// </summary>
    public static string NameKey(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return string.Create(name.Length - name.Count(c => !char.IsLetterOrDigit(c)), name, static (span, source) =>
        {
            var i = 0;
            foreach (var c in source)
            {
                if (char.IsLetterOrDigit(c))
                {
                    span[i++] = char.ToLowerInvariant(c);
                }
            }
        });
    }
}

/// <summary>One schema step: <paramref name="Version"/> is what <c>PRAGMA user_version</c> becomes once <paramref name="Sql"/> ran.</summary>
/// <param name="Version">A positive version, unique within the database class.</param>
/// <param name="Sql">One or more SQL statements.</param>
public readonly record struct Migration(int Version, string Sql);

/// <summary>One statement of a database class that SQLite refused, as <c>ValidateSql()</c> reports it.</summary>
/// <param name="Method">The method (or migration) the SQL belongs to.</param>
/// <param name="Sql">The SQL.</param>
/// <param name="Message">Why it failed: SQLite's message, or a mismatch between the SQL and the method.</param>
public sealed record SqlValidationError(string Method, string Sql, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Method}: {Message} (SQL: {Sql})";
}
