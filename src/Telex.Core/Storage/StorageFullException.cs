namespace Telex.Core.Storage;

/// <summary>
/// A write the store could not make because the disk refused it (full, or an I/O error writing). Nothing of the write
/// was kept: the store rolled its transaction back. Thrown by a storage backend in place of its own error, so that the
/// rest of the agency can tell "the disk is full, try again later" from a bug without knowing which backend runs.
/// </summary>
public sealed class StorageFullException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StorageFullException()
        : base("the agency's storage refused a write (disk full)")
    {
    }

    /// <summary>Creates the exception.</summary>
    public StorageFullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the backend's own error as <paramref name="inner"/>.</summary>
    public StorageFullException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>True when <paramref name="e"/> or an exception it wraps is a <see cref="StorageFullException"/>.</summary>
    public static bool Caused(Exception? e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is StorageFullException)
            {
                return true;
            }

            if (x is AggregateException aggregate && aggregate.InnerExceptions.Any(Caused))
            {
                return true;
            }
        }

        return false;
    }
}
