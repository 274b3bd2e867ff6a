using System.Xml.Linq;

using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Telex.Server.Console;

/// <summary>
/// Where ASP.NET Core's data protection keeps its key ring (the keys behind the console's CSRF tokens): in the agency's
/// own store, as settings under <see cref="Prefix"/>, one element each. Every node of an agency reads the same ring, so a
/// form rendered by one node is accepted by another behind a load balancer, and the ring survives restarts and does not
/// depend on the home folder of the account the agency runs as. The ring only ever grows: data protection adds new keys
/// and revocations as new elements and never changes one it has written.
/// </summary>
internal sealed class StoreKeyRing(ITelexStore store) : IXmlRepository
{
    public const string Prefix = "console.key.";

    // Data protection reads and writes its ring synchronously, rarely (at the first protected form, then about once a day).
    public IReadOnlyCollection<XElement> GetAllElements() =>
        [.. store.Settings.ListSettingsAsync(Prefix).GetAwaiter().GetResult().Select(setting => XElement.Parse(setting.Value))];

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        string name = string.IsNullOrEmpty(friendlyName) ? Guid.NewGuid().ToString("N") : friendlyName;
        store.Settings.SetSettingAsync(Prefix + name, element.ToString(SaveOptions.DisableFormatting)).GetAwaiter().GetResult();
    }
}
