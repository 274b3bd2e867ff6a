using System.Text.Json;

namespace Telex.DidComm.Tests.Vectors;

/// <summary>Compares Telex's unpack metadata with the reference's field names and values (a subset; null = absent).</summary>
internal static class MetadataAssert
{
    public static void Matches(JsonElement expected, UnpackMetadata actual)
    {
        foreach (var p in expected.EnumerateObject())
        {
            var e = p.Value;
            switch (p.Name)
            {
                case "encrypted": Assert.Equal(e.GetBoolean(), actual.Encrypted); break;
                case "authenticated": Assert.Equal(e.GetBoolean(), actual.Authenticated); break;
                case "non_repudiation": Assert.Equal(e.GetBoolean(), actual.NonRepudiation); break;
                case "anonymous_sender": Assert.Equal(e.GetBoolean(), actual.AnonymousSender); break;
                case "re_wrapped_in_forward": Assert.Equal(e.GetBoolean(), actual.ReWrappedInForward); break;
                case "encrypted_from_kid": Assert.Equal(Str(e), actual.EncryptedFromKid); break;
                case "sign_from": Assert.Equal(Str(e), actual.SignFrom); break;
                case "sign_alg": Assert.Equal(Str(e), actual.SignAlg); break;
                case "enc_alg_anon": Assert.Equal(Str(e), actual.EncAlgAnon); break;
                case "enc_alg_auth": Assert.Equal(Str(e), actual.EncAlgAuth); break;
                case "from_prior_issuer_kid": Assert.Equal(Str(e), actual.FromPriorIssuerKid); break;
                case "encrypted_to_kids":
                    if (e.ValueKind == JsonValueKind.Null)
                    {
                        Assert.Null(actual.EncryptedToKids);
                    }
                    else
                    {
                        Assert.Equal(e.EnumerateArray().Select(x => x.GetString()!).ToArray(), actual.EncryptedToKids);
                    }

                    break;
                case "from_prior" when e.ValueKind == JsonValueKind.Null:
                    Assert.Null(actual.FromPrior);
                    break;
                case "from_prior":
                    Assert.NotNull(actual.FromPrior);
                    Assert.True(JsonElement.DeepEquals(e, actual.FromPrior!.Value), "from_prior claims differ");
                    break;
                case "signed_message":
                    if (e.ValueKind == JsonValueKind.Null)
                    {
                        Assert.True(actual.SignedMessage.IsEmpty);
                    }

                    break;
                default:
                    Assert.Fail($"unexpected metadata field {p.Name}");
                    break;
            }
        }
    }

    private static string? Str(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetString();
}
