namespace Folio.Generator;

/// <summary>
/// The rules of the build's SQL check (FOLIO110–FOLIO115): reported by Folio.SqlCheck after the
/// compile, not by the compiler. This file is compiled into the generator, which turns the rules
/// into descriptors (so that they are documented and listed with the others), and into the check,
/// which formats its messages with them: one text for both.
/// </summary>
internal static class SqlCheckRules
{
    /// <summary>One rule: its ID, title, message format and whether it is an error (else a warning).</summary>
    internal sealed class Rule
    {
        public Rule(string id, string title, string message, bool isError)
        {
            Id = id;
            Title = title;
            Message = message;
            IsError = isError;
        }

        public string Id { get; }

        public string Title { get; }

        public string Message { get; }

        public bool IsError { get; }
    }

    public const string DoesNotPrepareId = "FOLIO110";
    public const string DoesNotPrepareTitle = "SQL does not prepare against the migrations";
    public const string DoesNotPrepareMessage = "SQL of '{0}' does not prepare: {1}";
    public static readonly Rule DoesNotPrepare = new(DoesNotPrepareId, DoesNotPrepareTitle, DoesNotPrepareMessage, isError: true);

    public const string MemberWithoutColumnId = "FOLIO111";
    public const string MemberWithoutColumnTitle = "Row member filled by no column";
    public const string MemberWithoutColumnMessage = "Member '{0}' of row '{1}' is filled by no column of '{2}' (columns: {3})";
    public static readonly Rule MemberWithoutColumn = new(MemberWithoutColumnId, MemberWithoutColumnTitle, MemberWithoutColumnMessage, isError: true);

    public const string ColumnWithoutMemberId = "FOLIO112";
    public const string ColumnWithoutMemberTitle = "Result column read by no member";
    public const string ColumnWithoutMemberMessage = "Column '{0}' of '{1}' is read by no member of row '{2}' (members: {3})";
    public static readonly Rule ColumnWithoutMember = new(ColumnWithoutMemberId, ColumnWithoutMemberTitle, ColumnWithoutMemberMessage, isError: false);

    public const string UnboundParameterId = "FOLIO113";
    public const string UnboundParameterTitle = "SQL parameter bound by no method parameter";
    public const string UnboundParameterMessage = "SQLite reads SQL parameter '{0}' in '{1}', and no method parameter binds it (the method binds {2})";
    public static readonly Rule UnboundParameter = new(UnboundParameterId, UnboundParameterTitle, UnboundParameterMessage, isError: true);

    public const string TypeMismatchId = "FOLIO114";
    public const string TypeMismatchTitle = "Column type does not convert to the member's type";
    public const string TypeMismatchMessage = "Column '{0}' of '{1}' is declared {2} ({3} affinity) and member '{4}' is {5}: {6}";
    public static readonly Rule TypeMismatch = new(TypeMismatchId, TypeMismatchTitle, TypeMismatchMessage, isError: false);

    public const string NullableColumnId = "FOLIO115";
    public const string NullableColumnTitle = "Column that can be NULL read into a non-nullable member";
    public const string NullableColumnMessage = "Column '{0}' of '{1}' can be NULL ({2}) and fills member '{3}' ({4}), which is not nullable";
    public static readonly Rule NullableColumn = new(NullableColumnId, NullableColumnTitle, NullableColumnMessage, isError: false);

    /// <summary>Every rule, in ID order.</summary>
    public static readonly Rule[] All = { DoesNotPrepare, MemberWithoutColumn, ColumnWithoutMember, UnboundParameter, TypeMismatch, NullableColumn };

    /// <summary>Where each rule's page is.</summary>
    public const string HelpRoot = "https://github.com/folio/folio/blob/main/docs/rules/";
}
