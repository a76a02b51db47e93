import Foundation
import ParkGateModel
import ParkGateProtocols
import ParkGateStore

/// Members (plates with auto-pay, 无感支付) and their list at every park (会员名单下发, 29):
/// each change goes to every park as a durable request. B.33 has no removal, so a removed member
/// is sent once more with `isAutopay` 0 and `memberType` 已注销: the lot stops charging it
/// through the platform and can tell it apart.
public struct Members: Sendable {
    let store: any Store
    /// Sends at once to connected parks; nil (the CLI) leaves the requests to the server's sweep.
    let commands: ParkCommands?

    public init(store: any Store, commands: ParkCommands?) {
        (self.store, self.commands) = (store, commands)
    }

    /// Saves a member and sends it to every park; returns the member before the change.
    @discardableResult
    public func save(_ member: MemberRecord, by username: String) async throws -> MemberRecord? {
        let before = try await store.member(plate: member.plate)
        try await store.saveMember(member)
        if before.map({ Self.sent($0) != Self.sent(member) }) ?? true {
            try await broadcast(member, memberType: "会员", by: username)
        }
        return before
    }

    /// Removes a member and tells every park; nil when there was none.
    public func remove(plate: String, by username: String) async throws -> MemberRecord? {
        guard let member = try await store.member(plate: plate), try await store.deleteMember(plate: plate) else { return nil }
        var gone = member
        gone.autoPay = false
        try await broadcast(gone, memberType: "已注销", by: username)
        return member
    }

    /// What a park learns of a member (a change elsewhere, such as `updatedAt`, is not sent).
    static func sent(_ member: MemberRecord) -> [String] { [member.plate, member.phone ?? "", member.autoPay ? "1" : "0"] }

    func broadcast(_ member: MemberRecord, memberType: String, by username: String) async throws {
        for park in try await store.parks() {
            let text = JSONText.object([
                ("parkCode", park.code), ("carNum", member.plate), ("carColor", ""), ("memberID", member.plate),
                ("memberPhone", member.phone ?? ""), ("memberType", memberType), ("isAutopay", member.autoPay ? "1" : "0"),
            ])
            let code = CPMIInterface.members.code
            if let commands {
                _ = try await commands.enqueue(parkCode: park.code, code: code, dataText: text, by: username)
            } else {
                _ = try await ParkCommands.queue(in: store, parkCode: park.code, code: code, dataText: text, by: username)
            }
        }
    }
}
