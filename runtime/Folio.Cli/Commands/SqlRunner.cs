using System.Diagnostics;
using Folio.Interop;
using SQLitePCL;

namespace Folio.Cli.Commands;

/// <summary>
/// Runs a script statement by statement, grouping statements into transactions: a statement that
/// starts in autocommit mode opens a unit that lasts until autocommit mode returns (the statement
/// itself, or BEGIN ... COMMIT). When SQLITE_BUSY hits (another writer committed first, or held a
/// lock too long) the unit is rolled back and run again from its first statement, with growing
/// pauses, until the busy timeout is spent. A unit's output is held back until it commits, so a
/// retried transaction prints its rows once.
/// </summary>
internal sealed class SqlRunner(FolioConnection connection, IResultWriter writer, TimeSpan busyTimeout)
{
    private readonly List<Action> _pending = [];

    public void Run(string sql)
    {
        var handle = connection.Handle;
        var remaining = sql;
        var unitStart = sql;
        Stopwatch? busySince = null;
        var pause = TimeSpan.FromMilliseconds(10);
        var retrying = false;
        while (true)
        {
            if (raw.sqlite3_get_autocommit(handle) == 1 && !retrying)
            {
                // The previous unit committed (or there was none): a new one starts here.
                Flush();
                unitStart = remaining;
                busySince = null;
                pause = TimeSpan.FromMilliseconds(10);
            }
            retrying = false;
            if (string.IsNullOrWhiteSpace(remaining))
            {
                break;
            }
            int rc;
            string tail;
            string statementText;
            var changesBefore = raw.sqlite3_total_changes(handle);
            rc = raw.sqlite3_prepare_v2(handle, remaining, out var statement, out tail);
            using (statement)
            {
                statementText = remaining[..(remaining.Length - tail.Length)].Trim();
                if (rc == SqliteConstants.SQLITE_OK && !statement.IsInvalid)
                {
                    rc = Execute(statement, changesBefore);
                }
            }
            if ((rc & 0xff) == SqliteConstants.SQLITE_BUSY)
            {
                busySince ??= Stopwatch.StartNew();
                var message = raw.sqlite3_errmsg(handle).utf8_to_string();
                var cause = Vfs.VfsErrors.TakeLastError();
                Rollback();
                _pending.Clear();
                if (busySince.Elapsed >= busyTimeout)
                {
                    throw new CliDataException(
                        $"gave up after {busyTimeout.TotalSeconds:0.#} s of SQLITE_BUSY (another writer kept the database busy): {message}{(cause is null ? "" : ": " + cause.Message)}. SQL: {statementText}");
                }
                Thread.Sleep(pause + TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)pause.TotalMilliseconds + 1)));
                pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 500));
                remaining = unitStart;
                retrying = true;
                continue;
            }
            if (rc is not (SqliteConstants.SQLITE_OK or SqliteConstants.SQLITE_DONE))
            {
                _pending.Clear();
                try
                {
                    connection.Check(rc, statementText);
                }
                finally
                {
                    Rollback();
                }
            }
            remaining = tail;
        }
        if (raw.sqlite3_get_autocommit(handle) == 0)
        {
            Rollback();
            throw new CliDataException("the SQL ended inside a transaction (BEGIN without COMMIT); it was rolled back");
        }
        Flush();
    }

    /// <summary>Steps one statement to the end, queueing its output; returns the last result code.</summary>
    private int Execute(sqlite3_stmt statement, int changesBefore)
    {
        var columns = raw.sqlite3_column_count(statement);
        var names = new string[columns];
        for (var i = 0; i < columns; i++)
        {
            names[i] = raw.sqlite3_column_name(statement, i).utf8_to_string() ?? "";
        }
        var rows = new List<object?[]>();
        int rc;
        while ((rc = raw.sqlite3_step(statement)) == SqliteConstants.SQLITE_ROW)
        {
            var row = new object?[columns];
            for (var i = 0; i < columns; i++)
            {
                row[i] = raw.sqlite3_column_type(statement, i) switch
                {
                    raw.SQLITE_INTEGER => raw.sqlite3_column_int64(statement, i),
                    raw.SQLITE_FLOAT => raw.sqlite3_column_double(statement, i),
                    raw.SQLITE_TEXT => raw.sqlite3_column_text(statement, i).utf8_to_string(),
                    raw.SQLITE_BLOB => raw.sqlite3_column_blob(statement, i).ToArray(),
                    _ => null,
                };
            }
            rows.Add(row);
        }
        if (rc != SqliteConstants.SQLITE_DONE)
        {
            return rc;
        }
        if (columns > 0)
        {
            _pending.Add(() => writer.WriteResult(names, rows));
        }
        else if (raw.sqlite3_stmt_readonly(statement) == 0)
        {
            var changed = raw.sqlite3_total_changes(connection.Handle) - changesBefore;
            if (changed > 0)
            {
                _pending.Add(() => writer.WriteChanges(changed));
            }
        }
        return rc;
    }

    private void Flush()
    {
        foreach (var output in _pending)
        {
            output();
        }
        _pending.Clear();
    }

    private void Rollback()
    {
        if (raw.sqlite3_get_autocommit(connection.Handle) == 0)
        {
            raw.sqlite3_exec(connection.Handle, "ROLLBACK");
        }
    }
}
