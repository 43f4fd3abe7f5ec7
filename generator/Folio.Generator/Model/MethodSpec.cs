namespace Folio.Generator.Model;

/// <summary>What a typed method returns.</summary>
internal enum ResultShape
{
    /// <summary><c>[Execute]</c> returning void.</summary>
    None,

    /// <summary><c>[Execute]</c> returning the rows changed.</summary>
    RowsAffected,

    /// <summary><c>List&lt;T&gt;</c>.</summary>
    List,

    /// <summary><c>IReadOnlyList&lt;T&gt;</c>.</summary>
    ReadOnlyList,

    /// <summary><c>IEnumerable&lt;T&gt;</c>, streamed.</summary>
    Enumerable,

    /// <summary><c>T</c>: exactly one row.</summary>
    Single,

    /// <summary><c>T?</c>: the first row or null.</summary>
    FirstOrDefault,
}

/// <summary>Whether a typed method is asynchronous, and how it returns.</summary>
internal enum AsyncKind
{
    /// <summary>Synchronous: the body is the method.</summary>
    None,

    /// <summary><c>Task</c>.</summary>
    Task,

    /// <summary><c>ValueTask</c>.</summary>
    ValueTask,

    /// <summary><c>Task&lt;T&gt;</c>.</summary>
    TaskOfT,

    /// <summary><c>ValueTask&lt;T&gt;</c>.</summary>
    ValueTaskOfT,

    /// <summary><c>IAsyncEnumerable&lt;T&gt;</c>: the body reads a <c>List&lt;T&gt;</c>, yielded once complete.</summary>
    AsyncEnumerable,
}

/// <summary>One <c>[Query]</c> or <c>[Execute]</c> method.</summary>
/// <param name="Name">The method's name.</param>
/// <param name="Modifiers">Its modifiers before <c>partial</c>, e.g. <c>public</c>.</param>
/// <param name="ReturnType">Its return type as written in the implementation.</param>
/// <param name="BodyType">What its synchronous body returns: <paramref name="ReturnType"/> for a synchronous method, the task's result (or <c>void</c>) for an async one, <c>List&lt;T&gt;</c> for <c>IAsyncEnumerable&lt;T&gt;</c>.</param>
/// <param name="Parameters">Its parameters.</param>
/// <param name="Sql">The SQL.</param>
/// <param name="Shape">What it returns.</param>
/// <param name="Row">How a row becomes a value; null for <c>[Execute]</c>.</param>
/// <param name="Bindings">The SQL parameters, in binding slot order, with the C# parameter bound to each.</param>
/// <param name="CancellationToken">The name of the CancellationToken parameter, if any.</param>
/// <param name="Async">Whether it is asynchronous, and how it returns.</param>
/// <param name="DeclaresEnumeratorCancellation">True when the declaration already marks the token <c>[EnumeratorCancellation]</c>.</param>
internal sealed record MethodSpec(
    string Name,
    string Modifiers,
    string ReturnType,
    string BodyType,
    EquatableArray<ParameterSpec> Parameters,
    string Sql,
    ResultShape Shape,
    RowSpec? Row,
    EquatableArray<BindingSpec> Bindings,
    string? CancellationToken,
    AsyncKind Async,
    bool DeclaresEnumeratorCancellation);

/// <summary>A method parameter as declared.</summary>
internal sealed record ParameterSpec(string Name, string Type);

/// <summary>One SQL parameter (<paramref name="Token"/>, e.g. <c>$title</c>) bound from the C# parameter <paramref name="Parameter"/>.</summary>
internal sealed record BindingSpec(string Token, string Parameter, ValueSpec Value);

/// <summary>How rows are read.</summary>
internal enum RowKind
{
    /// <summary>One value from the first column.</summary>
    Scalar,

    /// <summary>A tuple: columns by position.</summary>
    Tuple,

    /// <summary>A class, record or struct: columns by name.</summary>
    Object,
}

/// <summary>How a row becomes one value.</summary>
/// <param name="Kind">Scalar, tuple or object.</param>
/// <param name="Type">The row type as written.</param>
/// <param name="ConstructorArguments">Values passed to the constructor (objects) or the tuple's elements or the scalar.</param>
/// <param name="Initializers">Properties set in an object initializer (objects only).</param>
internal sealed record RowSpec(RowKind Kind, string Type, EquatableArray<RowMemberSpec> ConstructorArguments, EquatableArray<RowMemberSpec> Initializers);

/// <summary>One value read from a row: the member it fills and its type.</summary>
internal sealed record RowMemberSpec(string Name, ValueSpec Value);

/// <summary>The C# types Folio binds and reads.</summary>
internal enum ValueKind
{
    Int64,
    Int32,
    Int16,
    Byte,
    Boolean,
    Double,
    Single,
    Decimal,
    String,
    ByteArray,
    ReadOnlyMemory,
    Guid,
    DateTime,
    DateTimeOffset,
    DateOnly,
    TimeOnly,
    Enum,
}

/// <summary>A bindable or readable value's type.</summary>
/// <param name="Kind">Which supported type.</param>
/// <param name="IsNullable">True for <c>T?</c> (SQL NULL allowed).</param>
/// <param name="Type">The type as written, nullable included.</param>
/// <param name="NonNullableType">The type without <c>?</c> (the enum type for casts).</param>
internal sealed record ValueSpec(ValueKind Kind, bool IsNullable, string Type, string NonNullableType);
