using Telex.Core.Model;

namespace Telex.Core;

/// <summary>Officer administration as the live streams see it.</summary>
public sealed partial class Agency
{
    /// <summary>
    /// Tells this node's subscribers (and, with a shared store, the other nodes') that an act of officer administration
    /// was filed: an event <c>officer.ACTION</c> (<c>officer.locked-out</c>, <c>officer.disabled</c>, …), so the admins'
    /// console pages refresh. Who and what are in the register's officer entries, which only admins read.
    /// </summary>
    public void OfficerChanged(OfficerEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        Publish("officer." + OfficerEvent.Name(e.Action));
    }
}
