namespace Folio.Conformance;

/// <summary>
/// A line cursor over a sqllogictest script that reads it the way the reference runner
/// (sqllogictest.c) does, quirks included, so a script means the same thing here as there:
/// <list type="bullet">
/// <item>a trailing <c>\r</c> is dropped, and a line of nothing but white space reads as blank;</item>
/// <item>lines starting with <c>#</c> are skipped wherever they are, so they never end a record;</item>
/// <item>a record ends at the first blank line;</item>
/// <item>the first line of a record is split into at most four white-space separated tokens.</item>
/// </list>
/// </summary>
internal sealed class ScriptReader
{
    private const int MaxTokenLength = 199; // the reference runner keeps tokens in char[200]

    private readonly string _script;
    private readonly int _end;
    private int _current;
    private int _next;

    public ScriptReader(string script)
    {
        _script = script;
        _end = script.Length;
    }

    /// <summary>The current line, without its line ending; empty when blank or past the end.</summary>
    public string Line { get; private set; } = "";

    /// <summary>The 1-based number of the current line.</summary>
    public int LineNumber { get; private set; }

    /// <summary>The line number of the line last tokenized: the first line of the current record.</summary>
    public int StartLine { get; private set; }

    /// <summary>The tokens of the line last tokenized; missing ones are empty strings.</summary>
    public string[] Tokens { get; } = ["", "", "", ""];

    /// <summary>Whether the cursor has reached the end of the script.</summary>
    public bool AtEnd => _current >= _end;

    /// <summary>Moves to the next non-comment line; returns false (and leaves an empty line) at the end.</summary>
    public bool NextLine()
    {
        while (true)
        {
            if (_next >= _end)
            {
                _current = _end;
                Line = "";
                return false;
            }
            _current = _next;
            LineNumber++;
            var newline = _script.IndexOf('\n', _current);
            if (newline < 0)
            {
                newline = _end;
            }
            var length = newline - _current;
            _next = newline + 1;
            if (length > 0 && _script[_current + length - 1] == '\r')
            {
                length--;
            }
            var allSpace = true;
            for (var i = _current; i < _current + length; i++)
            {
                if (!IsSpace(_script[i]))
                {
                    allSpace = false;
                    break;
                }
            }
            Line = allSpace ? "" : _script.Substring(_current, length);
            if (Line.Length == 0 || Line[0] != '#')
            {
                return true;
            }
        }
    }

    /// <summary>Whether the next raw line (comments count as content here) is blank, or there is none.</summary>
    public bool NextIsBlank()
    {
        var i = _next;
        if (i >= _end)
        {
            return true;
        }
        while (i < _end && IsSpace(_script[i]))
        {
            if (_script[i] == '\n')
            {
                return true;
            }
            i++;
        }
        return false;
    }

    /// <summary>Skips the rest of the current record and the blank lines after it; false at the end.</summary>
    public bool FindStartOfNextRecord()
    {
        if (_current > 0)
        {
            while (Line.Length > 0 && _current < _end)
            {
                NextLine();
            }
        }
        else
        {
            NextLine();
        }
        while (Line.Length == 0 && _current < _end)
        {
            NextLine();
        }
        return _current < _end;
    }

    /// <summary>Splits the current line into <see cref="Tokens"/> and records it as the record's first line.</summary>
    public void Tokenize()
    {
        for (var t = 0; t < Tokens.Length; t++)
        {
            Tokens[t] = "";
        }
        StartLine = LineNumber;
        var line = Line;
        var j = 0;
        for (var t = 0; j < line.Length && t < Tokens.Length; t++)
        {
            while (j < line.Length && IsSpace(line[j]))
            {
                j++;
            }
            var start = j;
            while (j < line.Length && !IsSpace(line[j]))
            {
                j++;
            }
            var length = Math.Min(j - start, MaxTokenLength);
            Tokens[t] = line.Substring(start, length);
            j = start + length + 1;
        }
    }

    /// <summary>C's <c>isspace</c> in the "C" locale.</summary>
    public static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';
}
