using System.Text.Json.Serialization;

namespace Telex.Cli.Client;

/// <summary>A signed-in session: the bearer token an agency issued to an officer.</summary>
internal sealed record StoredSession(string Name, string Token, DateTimeOffset? ExpiresAt);

/// <summary>
/// A named context: one agency the CLI has signed in to, by its URL, the agency's own name and DID, and the session
/// issued there. A context's token is only ever sent to that context's URL.
/// </summary>
internal sealed record AgencyContext(string Name, string Url, string? Agency, string? Did, StoredSession? Session)
{
    /// <summary>The agency as a person reads it: its name, else its URL.</summary>
    public string Display => Agency ?? Url;
}

/// <summary>
/// The contexts from <c>telex login</c>, one per agency, and which one is current (<c>telex use</c>), in
/// <c>$XDG_CONFIG_HOME/telex/session.json</c> (else <c>~/.config/telex/session.json</c>), readable by the owner only
/// (0600, in a 0700 folder): the tokens are credentials. A file written before contexts had names (sessions by URL)
/// is read as contexts named by their URLs; the next sign-in there names them after their agencies.
/// </summary>
internal sealed class SessionStore(string path)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

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

    /// <summary>Every context, in the order they were first signed in to.</summary>
    public IReadOnlyList<AgencyContext> Contexts => Read().Contexts;

    /// <summary>The current context, if any.</summary>
    public AgencyContext? Current
    {
        get
        {
            var file = Read();
            return file.Current is { } name ? file.Contexts.FirstOrDefault(c => SameName(c.Name, name)) : null;
        }
    }

    /// <summary>The context for an agency URL, if any: the only place a stored token is found for a URL.</summary>
    public AgencyContext? ForUrl(Uri url)
    {
        string key = Key(url);
        return Read().Contexts.FirstOrDefault(c => string.Equals(c.Url, key, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A context by its name (any case) or by its agency's URL.</summary>
    public AgencyContext? Find(string nameOrUrl)
    {
        ArgumentNullException.ThrowIfNull(nameOrUrl);
        var contexts = Read().Contexts;
        return contexts.FirstOrDefault(c => SameName(c.Name, nameOrUrl.Trim()))
            ?? (Uri.TryCreate(nameOrUrl.Trim(), UriKind.Absolute, out var url) && url.Scheme is "http" or "https" ? ForUrl(url) : null);
    }

    /// <summary>
    /// Stores the session of a sign-in at <paramref name="url"/> as the context named after the agency, and makes it
    /// current. It replaces the context held for that URL, or for the same agency (its DID) at another URL. A different
    /// agency of the same name keeps its context; this one is then told apart by its host and port.
    /// </summary>
    public AgencyContext SaveLogin(Uri url, string agency, string? did, StoredSession session)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentException.ThrowIfNullOrWhiteSpace(agency);
        var file = Read();
        string key = Key(url);
        file.Contexts.RemoveAll(c => string.Equals(c.Url, key, StringComparison.OrdinalIgnoreCase)
            || (did is not null && string.Equals(c.Did, did, StringComparison.Ordinal)));
        string name = file.Contexts.Any(c => SameName(c.Name, agency)) ? $"{agency}@{url.Authority}" : agency;
        var context = new AgencyContext(name, key, agency, did, session);
        file.Contexts.Add(context);
        file.Current = name;
        Write(file);
        return context;
    }

    /// <summary>Makes a context current.</summary>
    public void Use(AgencyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var file = Read();
        file.Current = context.Name;
        Write(file);
    }

    private static bool SameName(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private void Write(ContextFile file)
    {
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
            JsonSerializer.Serialize(stream, new FileShape { Current = file.Current, Contexts = file.Contexts.Select(ContextShape.Of).ToList() }, Options);
        }

        File.Move(tmp, Path, overwrite: true);
    }

    private ContextFile Read()
    {
        if (!File.Exists(Path))
        {
            return new ContextFile(null, []);
        }

        FileShape shape;
        try
        {
            shape = JsonSerializer.Deserialize<FileShape>(File.ReadAllBytes(Path), Options) ?? new FileShape();
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.Usage, $"{Path} is damaged ({e.Message}); delete it and sign in again");
        }

        var contexts = (shape.Contexts ?? []).Where(c => c.Name is { Length: > 0 } && c.Url is { Length: > 0 })
            .Select(c => new AgencyContext(c.Name!, c.Url!, c.Agency, c.Did,
                c.Token is { Length: > 0 } token ? new StoredSession(c.Officer ?? "", token, c.ExpiresAt) : null))
            .ToList();

        // The format before named contexts: sessions by URL, the current one by its URL.
        foreach (var (url, session) in shape.Sessions ?? [])
        {
            if (!contexts.Any(c => string.Equals(c.Url, url, StringComparison.OrdinalIgnoreCase)) && session is { Token.Length: > 0 })
            {
                contexts.Add(new AgencyContext(url, url, null, null, session));
            }
        }

        return new ContextFile(shape.Current, contexts);
    }

    private sealed record ContextFile(string? Current, List<AgencyContext> Contexts)
    {
        public string? Current { get; set; } = Current;
    }

    private sealed class FileShape
    {
        [JsonPropertyName("current")]
        public string? Current { get; set; }

        [JsonPropertyName("contexts")]
        public List<ContextShape>? Contexts { get; set; }

        [JsonPropertyName("sessions")]
        public Dictionary<string, StoredSession>? Sessions { get; set; }
    }

    private sealed class ContextShape
    {
        public string? Name { get; set; }

        public string? Url { get; set; }

        public string? Agency { get; set; }

        public string? Did { get; set; }

        public string? Officer { get; set; }

        public string? Token { get; set; }

        public DateTimeOffset? ExpiresAt { get; set; }

        public static ContextShape Of(AgencyContext c) => new()
        {
            Name = c.Name,
            Url = c.Url,
            Agency = c.Agency,
            Did = c.Did,
            Officer = c.Session?.Name,
            Token = c.Session?.Token,
            ExpiresAt = c.Session?.ExpiresAt,
        };
    }
}
