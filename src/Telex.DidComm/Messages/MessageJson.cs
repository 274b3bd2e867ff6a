using System.Runtime.InteropServices;

namespace Telex.DidComm.Messages;

/// <summary>Reads and writes the JWM JSON of <see cref="Message"/>, validating as DIDComm v2 requires.</summary>
internal static class MessageJson
{
    private static readonly HashSet<string> Known =
    [
        "id", "typ", "type", "from", "to", "thid", "pthid", "created_time", "expires_time", "from_prior", "body", "attachments",
    ];

    public static void Write(Message m, IBufferWriter<byte> output)
    {
        var w = Jose.Json.RentWriter(output);
        w.WriteStartObject();
        w.WriteString("id"u8, m.Id);
        WriteOptional(w, "typ"u8, m.Typ);
        w.WriteString("type"u8, m.Type);
        WriteOptional(w, "from"u8, m.From);
        WriteOptional(w, "to"u8, m.To);
        WriteOptional(w, "thid"u8, m.Thid);
        WriteOptional(w, "pthid"u8, m.Pthid);
        WriteOptional(w, "created_time"u8, m.CreatedTime);
        WriteOptional(w, "expires_time"u8, m.ExpiresTime);
        WriteOptional(w, "from_prior"u8, m.FromPrior);
        if (m.ExtraHeaders is not null)
        {
            foreach (var (name, value) in m.ExtraHeaders)
            {
                if (!Known.Contains(name))
                {
                    w.WritePropertyName(name);
                    value.WriteTo(w);
                }
            }
        }

        w.WritePropertyName("body"u8);
        m.Body.WriteTo(w);
        if (m.Attachments is not null)
        {
            w.WriteStartArray("attachments"u8);
            foreach (var a in m.Attachments)
            {
                WriteAttachment(w, a);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        Jose.Json.ReturnWriter(w);
    }

    private static void WriteAttachment(Utf8JsonWriter w, Attachment a)
    {
        w.WriteStartObject();
        WriteOptional(w, "id"u8, a.Id);
        WriteOptional(w, "description"u8, a.Description);
        WriteOptional(w, "filename"u8, a.Filename);
        WriteOptional(w, "media_type"u8, a.MediaType);
        WriteOptional(w, "format"u8, a.Format);
        WriteOptional(w, "lastmod_time"u8, a.LastmodTime);
        WriteOptional(w, "byte_count"u8, a.ByteCount);
        w.WriteStartObject("data"u8);
        var d = a.Data;
        WriteOptional(w, "jws"u8, d.Jws);
        WriteOptional(w, "hash"u8, d.Hash);
        WriteOptional(w, "links"u8, d.Links);
        WriteOptional(w, "base64"u8, d.Base64);
        WriteOptional(w, "json"u8, d.Json);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    // A member a message or an attachment may leave out is written only when present.
    private static void WriteOptional(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteOptional(Utf8JsonWriter w, ReadOnlySpan<byte> name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
    }

    private static void WriteOptional(Utf8JsonWriter w, ReadOnlySpan<byte> name, JsonElement? value)
    {
        if (value is { } v)
        {
            w.WritePropertyName(name);
            v.WriteTo(w);
        }
    }

    private static void WriteOptional(Utf8JsonWriter w, ReadOnlySpan<byte> name, IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    /// <summary>Parses and validates a plaintext message. The element may be disposed afterwards: values are cloned.</summary>
    /// <remarks>
    /// With <paramref name="names"/>, <c>type</c>, <c>from</c> and <c>to</c> (names that every message between two
    /// parties repeats) come from that cache instead of new strings.
    /// </remarks>
    public static bool TryParse(JsonElement root, DidCommLimits limits, out Message message, out string error,
        Jose.NameCache? names = null)
    {
        message = null!;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "message is not a JSON object";
            return false;
        }

        string? id = null, typ = null, type = null, from = null, thid = null, pthid = null, fromPrior = null;
        long? created = null, expires = null;
        List<string>? to = null;
        JsonElement? body = null;
        List<Attachment>? attachments = null;
        Dictionary<string, JsonElement>? extra = null;
        foreach (var p in root.EnumerateObject())
        {
            var v = p.Value;
            switch (NameOf(p))
            {
                case "id": if (!Str(v, out id)) { error = "'id' must be a string"; return false; } break;
                case "typ": if (!Str(v, out typ)) { error = "'typ' must be a string"; return false; } break;
                case "type": if (!Str(v, out type, names)) { error = "'type' must be a string"; return false; } break;
                case "from": if (!OptStr(v, out from, names)) { error = "'from' must be a string"; return false; } break;
                case "thid": if (!OptStr(v, out thid)) { error = "'thid' must be a string"; return false; } break;
                case "pthid": if (!OptStr(v, out pthid)) { error = "'pthid' must be a string"; return false; } break;
                case "from_prior": if (!OptStr(v, out fromPrior)) { error = "'from_prior' must be a string"; return false; } break;
                case "created_time": if (!Time(v, out created)) { error = "'created_time' must be an integer"; return false; } break;
                case "expires_time": if (!Time(v, out expires)) { error = "'expires_time' must be an integer"; return false; } break;
                case "to":
                    if (v.ValueKind == JsonValueKind.Null)
                    {
                        break;
                    }

                    if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() > limits.MaxRecipients)
                    {
                        error = "'to' must be an array of at most " + limits.MaxRecipients + " DIDs";
                        return false;
                    }

                    to = [];
                    foreach (var t in v.EnumerateArray())
                    {
                        if (t.ValueKind != JsonValueKind.String)
                        {
                            error = "'to' entries must be strings";
                            return false;
                        }

                        to.Add(names is null ? t.GetString()! : names.Get(Jose.Json.Utf8(t)));
                    }

                    break;
                case "body":
                    if (v.ValueKind != JsonValueKind.Object)
                    {
                        error = "'body' must be an object";
                        return false;
                    }

                    body = v.Clone();
                    break;
                case "attachments":
                    if (v.ValueKind == JsonValueKind.Null)
                    {
                        break;
                    }

                    if (!TryParseAttachments(v, limits, out attachments, out error))
                    {
                        return false;
                    }

                    break;
                default:
                    (extra ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal))[p.Name] = v.Clone();
                    break;
            }
        }

        if (id is null || type is null || body is null)
        {
            error = "message must have 'id', 'type' and 'body'";
            return false;
        }

        if (typ is not null && typ != Message.PlaintextMediaType)
        {
            error = $"'typ' must be \"{Message.PlaintextMediaType}\"";
            return false;
        }

        message = new Message
        {
            Id = id,
            Typ = typ ?? Message.PlaintextMediaType,
            Type = type,
            From = from,
            To = to,
            Thid = thid,
            Pthid = pthid,
            CreatedTime = created,
            ExpiresTime = expires,
            FromPrior = fromPrior,
            Body = body.Value,
            Attachments = attachments,
            ExtraHeaders = extra,
        };
        error = "";
        return true;
    }

    private static bool TryParseAttachments(JsonElement v, DidCommLimits limits, out List<Attachment> list, out string error)
    {
        list = [];
        if (v.ValueKind != JsonValueKind.Array)
        {
            error = "'attachments' must be an array";
            return false;
        }

        if (v.GetArrayLength() > limits.MaxAttachments)
        {
            error = $"more than {limits.MaxAttachments} attachments";
            return false;
        }

        foreach (var a in v.EnumerateArray())
        {
            if (a.ValueKind != JsonValueKind.Object)
            {
                error = "attachment must be an object";
                return false;
            }

            string? id = null, description = null, filename = null, mediaType = null, format = null;
            long? lastmod = null, byteCount = null;
            AttachmentData? data = null;
            foreach (var p in a.EnumerateObject())
            {
                var pv = p.Value;
                bool ok = p.Name switch
                {
                    "id" => OptStr(pv, out id),
                    "description" => OptStr(pv, out description),
                    "filename" => OptStr(pv, out filename),
                    "media_type" => OptStr(pv, out mediaType),
                    "format" => OptStr(pv, out format),
                    "lastmod_time" => Time(pv, out lastmod),
                    "byte_count" => Time(pv, out byteCount),
                    "data" => TryParseData(pv, out data),
                    _ => true,
                };
                if (!ok)
                {
                    error = $"attachment member '{p.Name}' is invalid";
                    return false;
                }
            }

            if (data is null)
            {
                error = "attachment has no valid 'data'";
                return false;
            }

            list.Add(new Attachment
            {
                Id = id,
                Description = description,
                Filename = filename,
                MediaType = mediaType,
                Format = format,
                LastmodTime = lastmod,
                ByteCount = byteCount,
                Data = data,
            });
        }

        error = "";
        return true;
    }

    private static bool TryParseData(JsonElement v, out AttachmentData? data)
    {
        data = null;
        if (v.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        string? b64 = null, hash = null;
        JsonElement? json = null, jws = null;
        List<string>? links = null;
        foreach (var p in v.EnumerateObject())
        {
            switch (p.Name)
            {
                case "base64":
                    if (!Str(p.Value, out b64))
                    {
                        return false;
                    }

                    break;
                case "hash":
                    if (!Str(p.Value, out hash))
                    {
                        return false;
                    }

                    break;
                case "json": json = p.Value.Clone(); break;
                case "jws": jws = p.Value.Clone(); break;
                case "links":
                    if (p.Value.ValueKind != JsonValueKind.Array)
                    {
                        return false;
                    }

                    links = [];
                    foreach (var l in p.Value.EnumerateArray())
                    {
                        if (l.ValueKind != JsonValueKind.String)
                        {
                            return false;
                        }

                        links.Add(l.GetString()!);
                    }

                    break;
            }
        }

        int kinds = (b64 is null ? 0 : 1) + (json is null ? 0 : 1) + (links is null ? 0 : 1);
        if (kinds != 1 || (links is not null && hash is null))
        {
            return false;
        }

        data = new AttachmentData { Base64 = b64, Json = json, Links = links, Hash = hash, Jws = jws };
        return true;
    }

    // Matches a member's name against the known ones on its UTF-8 bytes, without making a string of it.
    private static string NameOf(JsonProperty p)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(p);
        string? known = raw.Length switch
        {
            2 when raw.SequenceEqual("id"u8) => "id",
            2 when raw.SequenceEqual("to"u8) => "to",
            3 when raw.SequenceEqual("typ"u8) => "typ",
            4 when raw.SequenceEqual("type"u8) => "type",
            4 when raw.SequenceEqual("from"u8) => "from",
            4 when raw.SequenceEqual("thid"u8) => "thid",
            4 when raw.SequenceEqual("body"u8) => "body",
            5 when raw.SequenceEqual("pthid"u8) => "pthid",
            10 when raw.SequenceEqual("from_prior"u8) => "from_prior",
            11 when raw.SequenceEqual("attachments"u8) => "attachments",
            12 when raw.SequenceEqual("created_time"u8) => "created_time",
            12 when raw.SequenceEqual("expires_time"u8) => "expires_time",
            _ => null,
        };

        // A name written with escapes (or any other name) takes the general path.
        return known ?? p.Name;
    }

    private static bool Str(JsonElement v, out string? value, Jose.NameCache? names = null)
    {
        value = v.ValueKind != JsonValueKind.String ? null : names is null ? v.GetString() : names.Get(Jose.Json.Utf8(v));
        return value is not null;
    }

    private static bool OptStr(JsonElement v, out string? value, Jose.NameCache? names = null)
    {
        Str(v, out value, names);
        return value is not null || v.ValueKind == JsonValueKind.Null;
    }

    private static bool Time(JsonElement v, out long? value)
    {
        value = null;
        if (v.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long t) && t >= 0)
        {
            value = t;
            return true;
        }

        return false;
    }
}
