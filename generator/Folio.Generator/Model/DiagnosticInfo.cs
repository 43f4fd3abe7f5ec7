namespace Folio.Generator.Model;

/// <summary>
/// Where a diagnostic points, without holding a <c>Location</c> (which would keep a syntax tree
/// alive and defeat caching): enough to find the place again in a later compilation.
/// </summary>
internal sealed record LocationInfo(string FilePath, int Start, int Length);

/// <summary>
/// A diagnostic to report: its descriptor's ID, its message arguments, where, and the properties
/// code fixes read (keys and values alternating).
/// </summary>
internal sealed record DiagnosticInfo(string Id, EquatableArray<string> Arguments, LocationInfo? Location, EquatableArray<string> Properties);
