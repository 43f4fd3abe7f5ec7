namespace Folio.Generator.Model;

/// <summary>
/// Where a diagnostic points, without holding a <c>Location</c> (which would keep a syntax tree
/// alive and defeat caching): enough to re-create one.
/// </summary>
internal sealed record LocationInfo(string FilePath, int Start, int Length, int StartLine, int StartCharacter, int EndLine, int EndCharacter);

/// <summary>A diagnostic to report: its descriptor's ID, its message arguments and where.</summary>
internal sealed record DiagnosticInfo(string Id, EquatableArray<string> Arguments, LocationInfo? Location);
