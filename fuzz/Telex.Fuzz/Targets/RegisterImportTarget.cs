using Telex.Core.Register;

namespace Telex.Fuzz;

/// <summary>
/// Reads the input as a register export (<c>telex-register-export/1</c>, JSON Lines), the first step of
/// <c>telex register import</c>. <see cref="RegisterExport.ReadAsync"/> refuses a bad file with the line at fault and
/// returns nothing of it; any exception is a crash.
/// </summary>
internal static class RegisterImportTarget
{
    public static void Run(byte[] input)
    {
        using var stream = new MemoryStream(input, writable: false);
        var (register, header, error) = RegisterExport.ReadAsync(stream).GetAwaiter().GetResult();
        if ((error is null) == (register is null || header is null))
        {
            throw new InvalidOperationException("a read export gives either the register and its header, or an error");
        }
    }
}
