import Hummingbird
import ParkGateStore

extension AppRequestContext {
    /// The signed-in user when its role has `permission`; 403 otherwise.
    @discardableResult
    func require(_ permission: Permission) throws -> UserRecord {
        guard let user else { throw HTTPError(.unauthorized, message: "sign in with POST /api/v1/login") }
        guard user.parsedRole?.allows(permission) == true else {
            throw HTTPError(.forbidden, message: "the role \(user.role) does not have the permission \(permission.rawValue)")
        }
        return user
    }

    /// What the user may see: nil for everything.
    var scope: RecordScope? { user?.visibleScope }

    /// 404 (not 403: a scoped user learns nothing about records outside its scope) unless the
    /// record is visible.
    /// The user, for records that no scope covers (Henan's enterprises, passages, relay and
    /// provincial records): a scoped user is refused whatever its role.
    @discardableResult
    func requireUnscoped(_ permission: Permission) throws -> UserRecord {
        let user = try require(permission)
        guard scope == nil else { throw HTTPError(.forbidden, message: "Henan records are not scoped: ask an administrator") }
        return user
    }

    func requireVisible(parkCode: String?, vendor: String?, devCode: String?, what: String) throws {
        if let scope, !scope.allows(parkCode: parkCode, vendor: vendor, devCode: devCode) {
            throw HTTPError(.notFound, message: "no such \(what)")
        }
    }

    var username: String { user?.username ?? "" }
}
