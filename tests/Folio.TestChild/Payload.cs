using System.Globalization;
using System.Text;

namespace Folio.TestChild;

/// <summary>The payload of row <c>seq</c>: recomputable by the test, so a torn or misplaced row is caught.</summary>
public static class Payload
{
    /// <summary>Mostly short rows; every 29th row is long enough to need overflow pages.</summary>
    public static string For(long seq)
    {
        var length = seq % 29 == 0 ? 5000 + (int)(seq % 3000) : 20 + (int)(seq * 7919 % 300);
        var unit = string.Create(CultureInfo.InvariantCulture, $"{seq}:");
        var text = new StringBuilder(length + unit.Length);
        while (text.Length < length)
        {
            text.Append(unit);
        }
        return text.ToString(0, length);
    }
}
