using System.Text.Json;

using Telex.DidComm.Dids;
using Telex.DidComm.Keys;

namespace Telex.DidComm.Tests;

/// <summary>
/// Loads a vectors keys file (<c>{ "didDocs": [...], "secrets": [...] }</c>) with the package's own loaders: the
/// documents into a <see cref="DidDocumentStore"/> asked before <c>did:peer</c>/<c>did:key</c> resolution, the
/// secrets (the reference implementation's <c>{ id, type, privateKeyJwk }</c> or the specification's bare JWKs)
/// into a <see cref="SecretResolver"/>.
/// </summary>
internal sealed class KeysFile
{
    private KeysFile(DidDocumentStore documents, SecretResolver secrets)
    {
        Documents = documents;
        Dids = new CompositeDidResolver(documents, new DidResolver());
        Secrets = secrets;
    }

    public DidDocumentStore Documents { get; }

    public IDidResolver Dids { get; }

    public SecretResolver Secrets { get; }

    public static KeysFile Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var documents = new DidDocumentStore().AddRange(DidDocument.ParseDocuments(doc.RootElement.GetProperty("didDocs").GetRawText()));
        var secrets = new SecretResolver().AddRange(SecretJwk.ParseSecrets(doc.RootElement.GetProperty("secrets").GetRawText()));
        return new KeysFile(documents, secrets);
    }
}
