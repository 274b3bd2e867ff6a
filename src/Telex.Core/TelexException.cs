namespace Telex.Core;

/// <summary>What kind of refusal a <see cref="TelexException"/> is; mapped once to an HTTP status and problem type.</summary>
public enum TelexErrorKind
{
    /// <summary>The request is invalid (400).</summary>
    Invalid,

    /// <summary>The thing asked for does not exist (404).</summary>
    NotFound,

    /// <summary>The request conflicts with the current state, e.g. no established tie (409).</summary>
    Conflict,

    /// <summary>The caller may not do this (403).</summary>
    Forbidden,

    /// <summary>A counterpart refused or could not be reached (502).</summary>
    Peer,
}

/// <summary>A refusal with a reason fit to show to the caller.</summary>
public sealed class TelexException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TelexException(TelexErrorKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    /// <summary>Creates the exception.</summary>
    public TelexException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public TelexException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public TelexException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The kind.</summary>
    public TelexErrorKind Kind { get; }
}
