using System.Text.Json;
using System.Text.Json.Serialization;

namespace Telex.Cli.Client;

/// <summary>A signed-in session: the bearer token an agency issued to an officer.</summary>
internal sealed record StoredSession(string Name, string Token, DateTimeOffset? ExpiresAt);

/// <summary>
/// Sessions from <c>telex login</c>, one per agency URL, in <c>$XDG_CONFIG_HOME/telex/session.json</c> (else
/// <c>~/.config/telex/session.json</c>), readable by the owner only: the tokens are credentials.
/// </summary>
internal sealed class SessionStore(string path)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The file.</summary>
    public string Path { get; } = path;

    /// <summary>The store at the default location.</summary>
    public static SessionStore Default()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        string home = !string.IsNullOrEmpty(xdg) && System.IO.Path.IsPathRooted(xdg)
            ? xdg
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return new SessionStore(System.IO.Path.Combine(home, "telex", "session.json"));
    }

    /// <summary>The key a URL is stored under: scheme, host, port and path, without a trailing slash.</summary>
    public static string Key(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }

    /// <summary>The URL of the last login, if any.</summary>
    public string? LastUrl => Read().Current;

    /// <summary>The session for an agency, if any.</summary>
    public StoredSession? Find(Uri url) => Read().Sessions.GetValueOrDefault(Key(url));

    /// <summary>Stores a session and makes its URL the default.</summary>
    public void Save(Uri url, StoredSession session)
    {
        var file = Read();
        file.Sessions[Key(url)] = session;
        file.Current = Key(url);
        string directory = System.IO.Path.GetDirectoryName(Path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        string tmp = Path + "." + Environment.ProcessId + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(tmp, options))
        {
            JsonSerializer.Serialize(stream, file, Options);
        }

        File.Move(tmp, Path, overwrite: true);
    }

    private SessionFile Read()
    {
        if (!File.Exists(Path))
        {
            return new SessionFile();
        }

        try
        {
            var file = JsonSerializer.Deserialize<SessionFile>(File.ReadAllBytes(Path), Options) ?? new SessionFile();
            file.Sessions = new Dictionary<string, StoredSession>(file.Sessions, StringComparer.OrdinalIgnoreCase);
            return file;
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.Usage, $"{Path} is damaged ({e.Message}); delete it and sign in again");
        }
    }

    private sealed class SessionFile
    {
        [JsonPropertyName("current")]
        public string? Current { get; set; }

        [JsonPropertyName("sessions")]
        public Dictionary<string, StoredSession> Sessions { get; set; } = new(StringComparer.OrdinalIgnoreCase);
    }
}
