import Foundation
import Hummingbird
import ParkGateModel
import ParkGateStore

/// Users and the user log under `/api/v1`: `users` for administrators, `audit` for
/// administrators and auditors.
struct UsersAPI {
    let store: any Store
    let accounts: Accounts
    let time: ChinaTime
    var audit: AuditLog { AuditLog(store: store) }

    struct UserChange: Decodable {
        let username: String?
        let password: String?
        let role: String?
        let scope: RecordScope?
    }

    func register(on api: RouterGroup<AppRequestContext>) {
        api.get("/users") { _, context -> AdminAPI.Items<UserView> in
            try context.require(.manageUsers)
            return AdminAPI.Items(items: try await store.users().map(UserView.init))
        }
        api.post("/users") { request, context -> EditedResponse<UserView> in
            let admin = try context.require(.manageUsers)
            let change = try await decode(request, context)
            guard let username = change.username, let password = change.password, let role = change.role else {
                throw HTTPError(.badRequest, message: "a new user needs username, password and role")
            }
            guard try await store.user(named: username) == nil else { throw HTTPError(.conflict, message: "user \(username) exists") }
            let saved = try await save(username: username, password: password, role: role, scope: change.scope)
            try await audit.record(admin.username, "user.create", target: "user:\(username)", after: saved, channel: "api")
            return EditedResponse(status: .created, response: saved)
        }
        api.put("/users/{name}") { request, context -> UserView in
            let admin = try context.require(.manageUsers)
            let username = try context.parameters.require("name")
            let change = try await decode(request, context)
            guard let existing = try await store.user(named: username) else { throw HTTPError(.notFound, message: "no user \(username)") }
            let saved = try await save(
                username: username, password: change.password, role: change.role ?? existing.role, scope: change.scope ?? existing.scope)
            var after = AuditLog.json(saved) ?? ""
            if change.password != nil { after = String(after.dropLast()) + ",\"passwordChanged\":true}" }
            try await store.appendAudit(AuditEntry(
                at: Date(), username: admin.username, action: "user.save", target: "user:\(username)",
                before: AuditLog.json(UserView(existing)), after: after, channel: "api"))
            return saved
        }
        api.delete("/users/{name}") { _, context -> HTTPResponse.Status in
            let admin = try context.require(.manageUsers)
            let username = try context.parameters.require("name")
            guard username != admin.username else { throw HTTPError(.conflict, message: "you cannot delete yourself") }
            guard let existing = try await store.user(named: username), try await store.deleteUser(named: username) else {
                throw HTTPError(.notFound, message: "no user \(username)")
            }
            try await audit.record(admin.username, "user.delete", target: "user:\(username)", before: UserView(existing), channel: "api")
            return .noContent
        }
        api.get("/audit") { request, context -> PageResponse<AuditEntry> in
            try context.require(.readLogs)
            let query = request.uri.queryParameters
            let admin = AdminAPI(store: store, accounts: accounts, time: time)
            let (limit, before) = try admin.paging(query)
            return PageResponse(page: try await store.audit(AuditQuery(
                username: query.text("username"), action: query.text("action"), from: try admin.instant(query["from"], "from"),
                to: try admin.instant(query["to"], "to"), limit: limit, before: before, target: query.text("target"))))
        }
    }

    func decode(_ request: Request, _ context: AppRequestContext) async throws -> UserChange {
        do {
            return try await request.decode(as: UserChange.self, context: context)
        } catch {
            throw HTTPError(.badRequest, message: "send {\"username\",\"password\",\"role\",\"scope\":{\"parks\":[],\"vendors\":[],\"devices\":[]}}")
        }
    }

    func save(username: String, password: String?, role: String, scope: RecordScope?) async throws -> UserView {
        do {
            return UserView(try await accounts.addUser(username: username, password: password, role: role, scope: scope))
        } catch let error as Accounts.Failure {
            throw HTTPError(.badRequest, message: error.description)
        }
    }
}
