using Folio.Generator;

namespace Folio.SqlCheck;

/// <summary>One problem found: the rule, where, and the message's arguments.</summary>
internal sealed record Finding(SqlCheckRules.Rule Rule, Site? Site, string[] Arguments)
{
    public string Message => string.Format(System.Globalization.CultureInfo.InvariantCulture, Rule.Message, Arguments);
}

/// <summary>
/// Checks one database class: applies its migrations to a fresh in-memory SQLite, then prepares
/// each statement and compares what SQLite says about it with the method's model.
/// </summary>
internal static class Checker
{
    // Virtual machine steps (in thousands) a statement may take when run over the empty tables.
    private const int StepBudget = 1000;

    public static List<Finding> Check(DatabaseModel model)
    {
        var findings = new List<Finding>();
        var db = Sqlite.OpenMemory();
        try
        {
            foreach (var migration in model.Migrations)
            {
                if (Sqlite.Execute(db, migration.Sql) is { } error)
                {
                    // Every statement would fail with it: report the migration alone.
                    findings.Add(new Finding(SqlCheckRules.DoesNotPrepare, migration.Site, [$"{model.Class} migration {migration.Version}", error]));
                    return findings;
                }
            }
            Sqlite.LimitSteps(db, StepBudget);
            foreach (var statement in model.Statements)
            {
                CheckStatement(db, statement, findings);
            }
        }
        finally
        {
            Sqlite.sqlite3_close_v2(db);
        }
        return findings;
    }

    private static void CheckStatement(IntPtr db, Statement statement, List<Finding> findings)
    {
        var handle = Sqlite.Prepare(db, statement.Sql, out var error);
        if (handle == IntPtr.Zero)
        {
            findings.Add(new Finding(SqlCheckRules.DoesNotPrepare, statement.Site, [statement.Method, error!]));
            return;
        }
        try
        {
            CheckParameters(handle, statement, findings);
            if (statement.Row is { } row)
            {
                CheckColumns(db, handle, statement, row, findings);
            }
        }
        finally
        {
            Sqlite.sqlite3_finalize(handle);
        }
    }

    // The generator binds the parameters its text scan finds and reports the rest (FOLIO102,
    // FOLIO103); only a name SQLite reads differently from the scan reaches this.
    private static void CheckParameters(IntPtr handle, Statement statement, List<Finding> findings)
    {
        var count = Sqlite.sqlite3_bind_parameter_count(handle);
        for (var i = 1; i <= count; i++)
        {
            var name = Sqlite.ParameterName(handle, i);
            if (name is not null && !statement.Bindings.Any(b => b.Token == name))
            {
                var bound = statement.Bindings.Count == 0 ? "none" : string.Join(", ", statement.Bindings.Select(b => b.Token).Distinct());
                findings.Add(new Finding(SqlCheckRules.UnboundParameter, statement.Site, [name, statement.Method, bound]));
            }
        }
    }

    private static void CheckColumns(IntPtr db, IntPtr handle, Statement statement, Row row, List<Finding> findings)
    {
        var count = Sqlite.sqlite3_column_count(handle);
        if (count == 0 && statement.NoRowsReported)
        {
            return; // FOLIO107 said it: the statement returns no rows at all
        }
        var names = Enumerable.Range(0, count).Select(c => Sqlite.ColumnName(handle, c)).ToList();
        var columnList = count == 0 ? "none" : string.Join(", ", names);
        // Which column fills each member, as the runtime resolves them (FolioStatement.ResolveColumns).
        var ordinals = new int[row.Members.Count];
        for (var m = 0; m < row.Members.Count; m++)
        {
            var key = Folio.Queries.StatementShape.NameKey(row.Members[m].Name);
            ordinals[m] = row.ByName ? names.FindIndex(n => Folio.Queries.StatementShape.NameKey(n) == key) : m < count ? m : -1;
            if (ordinals[m] < 0)
            {
                findings.Add(new Finding(SqlCheckRules.MemberWithoutColumn, statement.Site, [row.Members[m].Name, row.Type, statement.Method, columnList]));
            }
        }
        var memberList = string.Join(", ", row.Members.Select(m => m.Name));
        for (var c = 0; c < count; c++)
        {
            if (!ordinals.Contains(c) && !statement.ColumnsReported)
            {
                findings.Add(new Finding(SqlCheckRules.ColumnWithoutMember, statement.Site, [names[c], statement.Method, row.Type, memberList]));
            }
        }

        HashSet<string>? outerJoined = null;
        var judged = new bool[row.Members.Count];
        for (var m = 0; m < row.Members.Count; m++)
        {
            var (member, c) = (row.Members[m], ordinals[m]);
            if (c < 0)
            {
                continue;
            }
            if (Sqlite.DeclaredType(handle, c) is { Length: > 0 } declared && TypeRules.Mismatch(member.Value.Kind, TypeRules.Affinity(declared)) is { } why)
            {
                findings.Add(new Finding(SqlCheckRules.TypeMismatch, statement.Site, [names[c], statement.Method, declared, TypeRules.Affinity(declared), member.Name, member.Value.Type, why]));
            }
            if (member.Value.Nullable || Sqlite.Origin(handle, c) is not { } origin)
            {
                continue; // an expression: judged below, by running the statement
            }
            judged[m] = true;
            var (notNull, primaryKey) = Sqlite.ColumnConstraints(db, origin.Database, origin.Table, origin.Column);
            outerJoined ??= OuterJoins.NullableTables(statement.Sql);
            var reason = outerJoined.Contains(origin.Table) ? $"{origin.Table} is on the nullable side of an outer join"
                : notNull || primaryKey ? null
                : $"{origin.Table}.{origin.Column} is not declared NOT NULL";
            if (reason is not null)
            {
                findings.Add(new Finding(SqlCheckRules.NullableColumn, statement.Site, [names[c], statement.Method, reason, member.Name, member.Value.Type]));
            }
        }
        CheckExpressionsOverEmptyTables(handle, statement, row, ordinals, judged, names, findings);
    }

    // An expression's NULLs cannot be read from metadata. A read-only statement is run once over
    // the freshly migrated (usually empty) tables, with each non-nullable parameter bound to a
    // value of its type: a row that comes back there is an aggregate over no rows or a constant,
    // and an expression that is NULL in it can be NULL in production.
    private static void CheckExpressionsOverEmptyTables(IntPtr handle, Statement statement, Row row, int[] ordinals, bool[] judged, List<string> names, List<Finding> findings)
    {
        var open = Enumerable.Range(0, row.Members.Count).Where(m => ordinals[m] >= 0 && !judged[m] && !row.Members[m].Value.Nullable).ToList();
        if (open.Count == 0 || Sqlite.sqlite3_stmt_readonly(handle) == 0)
        {
            return;
        }
        var count = Sqlite.sqlite3_bind_parameter_count(handle);
        for (var i = 1; i <= count; i++)
        {
            if (statement.Bindings.FirstOrDefault(b => b.Token == Sqlite.ParameterName(handle, i)) is { Value.Nullable: false } binding)
            {
                BindSample(handle, i, binding.Value.Kind);
            }
        }
        Sqlite.ResetSteps(StepBudget);
        if (Sqlite.sqlite3_step(handle) != Sqlite.SQLITE_ROW)
        {
            return;
        }
        foreach (var m in open)
        {
            if (Sqlite.sqlite3_column_type(handle, ordinals[m]) == Sqlite.SQLITE_NULL)
            {
                var member = row.Members[m];
                findings.Add(new Finding(SqlCheckRules.NullableColumn, statement.Site,
                    [names[ordinals[m]], statement.Method, "it is NULL when the statement runs over the migrated tables, as an aggregate over no rows is", member.Name, member.Value.Type]));
            }
        }
    }

    private static void BindSample(IntPtr handle, int index, string kind)
    {
        switch (kind)
        {
            case "Double" or "Single":
                Sqlite.sqlite3_bind_double(handle, index, 0);
                break;
            case "String" or "Decimal" or "DateTime" or "DateTimeOffset" or "DateOnly" or "TimeOnly":
                Sqlite.BindText(handle, index, kind switch
                {
                    "String" => "",
                    "Decimal" => "0",
                    "DateTime" or "DateTimeOffset" => "2000-01-01 00:00:00",
                    "DateOnly" => "2000-01-01",
                    "TimeOnly" => "00:00:00",
                    _ => "",
                });
                break;
            case "ByteArray" or "ReadOnlyMemory" or "Guid":
                Sqlite.BindBlob(handle, index, kind == "Guid" ? 16 : 0);
                break;
            default:
                Sqlite.sqlite3_bind_int64(handle, index, 0);
                break;
        }
    }
}
