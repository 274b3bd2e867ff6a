using CoreModel = Telex.Core.Model;
using Wire = Telex.Api.Contracts;

namespace Telex.Server.Tests.Api;

/// <summary>
/// The client API's enums (Telex.Api.Contracts, which depends on no other Telex project) and Core's are mapped by value
/// (Telex.Server.Api.Contracts.ContractMapping): every member must have the same name and value on both sides, or an answer would name
/// a different state than the agency holds.
/// </summary>
public sealed class ContractEnumTests
{
    public static TheoryData<Type, Type> Pairs() => new()
    {
        { typeof(CoreModel.Precedence), typeof(Wire.Precedence) },
        { typeof(CoreModel.TelegramStatus), typeof(Wire.TelegramStatus) },
        { typeof(CoreModel.Direction), typeof(Wire.Direction) },
        { typeof(CoreModel.TieStatus), typeof(Wire.TieStatus) },
        { typeof(CoreModel.Role), typeof(Wire.Role) },
        { typeof(CoreModel.DraftStatus), typeof(Wire.DraftStatus) },
        { typeof(CoreModel.ClearerKind), typeof(Wire.ClearerKind) },
        { typeof(CoreModel.ClearanceState), typeof(Wire.ClearanceState) },
        { typeof(CoreModel.IssueStatus), typeof(Wire.IssueStatus) },
        { typeof(CoreModel.BureauStatus), typeof(Wire.BureauStatus) },
        { typeof(CoreModel.MemberState), typeof(Wire.MemberState) },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Every_core_enum_member_has_the_same_name_and_value_in_the_contracts(Type core, Type contract)
    {
        var coreMembers = Enum.GetNames(core).Select(n => (n, Convert.ToInt32(Enum.Parse(core, n), System.Globalization.CultureInfo.InvariantCulture)));
        var contractMembers = Enum.GetNames(contract).Select(n => (n, Convert.ToInt32(Enum.Parse(contract, n), System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(coreMembers, contractMembers);
    }
}
