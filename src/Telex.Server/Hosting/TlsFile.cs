namespace Telex.Server.Hosting;

/// <summary>Reads the PEM files the TLS options name, refusing with a <see cref="TlsFileException"/> that names the option.</summary>
internal static class TlsFile
{
    /// <summary>
    /// The text of <paramref name="path"/>, which <paramref name="option"/> names; refused when it is missing, cannot be
    /// read, or is larger than <paramref name="maxBytes"/> (<paramref name="tooLarge"/> ends that refusal: the limit and
    /// what so large a file is not).
    /// </summary>
    public static string ReadText(string option, string path, long maxBytes, string tooLarge)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new TlsFileException($"{option} = '{path}': no such file");
            }

            if (info.Length > maxBytes)
            {
                throw new TlsFileException($"{option} = '{path}': larger than {tooLarge}");
            }

            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TlsFileException($"{option} = '{path}': cannot be read ({e.Message})", e);
        }
    }
}
