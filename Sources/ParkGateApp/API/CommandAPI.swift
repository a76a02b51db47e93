import Foundation
import Hummingbird
import ParkGateModel
import ParkGateProtocols
import ParkGateStore

/// The T/CPMI downlink under `/api/v1`: send a request to a park and get its reply, list what
/// was sent, see who is connected, and keep the blacklist.
struct CommandAPI {
    let store: any Store
    let commands: ParkCommands
    let connections: CPMIConnections

    /// A stored request, written directly: its `data`, reply and check are JSON texts already
    /// (parsed when they arrived) and go out as they are stored.
    struct CommandView: ResponseGenerator {
        let command: ParkCommandRecord

        init(_ command: ParkCommandRecord) { self.command = command }

        func response(from request: Request, context: some RequestContext) throws -> Response { CommandAPI.json(json) }

        var json: String {
            var members: [String] = []
            func text(_ key: String, _ value: String?) { if let value { members.append("\"\(key)\":" + JSONText.quote(value)) } }
            func raw(_ key: String, _ value: String?) {
                guard let value, !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
                members.append("\"\(key)\":" + value)
            }
            // Dates as the rest of the API writes them (seconds since 2001-01-01, JSONEncoder's default).
            func date(_ key: String, _ value: Date?) { if let value { members.append("\"\(key)\":\(value.timeIntervalSinceReferenceDate)") } }
            text("id", String(command.id))
            text("parkCode", command.parkCode)
            text("code", command.code)
            text("name", Int(command.code).flatMap(CPMIInterface.init(rawValue:))?.name ?? "")
            text("oprNum", command.oprNum)
            text("status", command.status.rawValue)
            members.append("\"durable\":" + (command.durable ? "true" : "false"))
            text("requestedBy", command.requestedBy)
            date("requestedAt", command.requestedAt)
            date("expiresAt", command.expiresAt)
            date("nextAttemptAt", command.nextAttemptAt)
            date("sentAt", command.sentAt)
            date("repliedAt", command.repliedAt)
            members.append("\"attempts\":\(command.attempts)")
            text("resultCode", command.resultCode)
            text("resultMessage", command.resultMessage)
            text("error", command.error)
            raw("data", command.data)
            raw("reply", command.replyData)
            raw("checked", command.checked)
            return "{" + members.joined(separator: ",") + "}"
        }
    }

    /// A list of requests, `{"items":[…]}`.
    struct CommandList: ResponseGenerator {
        let commands: [ParkCommandRecord]

        func response(from request: Request, context: some RequestContext) throws -> Response {
            CommandAPI.json("{\"items\":[" + commands.map { CommandView($0).json }.joined(separator: ",") + "]}")
        }
    }

    static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    struct BlacklistChange: Decodable {
        let oweMoney: String?
        let carType: String?
        let paymentStatus: String?
        let note: String?
    }

    struct BlacklistView: ResponseEncodable {
        let entry: BlacklistEntry
    }

    struct DownlinkView: ResponseEncodable {
        let port: Int
        let connected: Int
        let connections: [CPMIConnections.Info]
    }

    /// Sends one request from the API or the console: bad `data` and unknown parks or codes
    /// become HTTP errors naming the problem, and the request goes into the user log.
    static func send(commands: ParkCommands, store: any Store, park: String, code: String, dataText: String, user: String,
                     channel: String) async throws -> ParkCommandRecord {
        guard (try? JSONObjectParser.parse(Array(dataText.utf8))) != nil else {
            throw HTTPError(.badRequest, message: "send the interface's data as one JSON object, such as {\"barCode\":\"G1\",\"isOpen\":\"1\"}")
        }
        let command: ParkCommandRecord
        do {
            command = try await commands.send(parkCode: park, code: code, dataText: dataText, by: user)
        } catch let failure as ParkCommands.Failure {
            switch failure {
            case .unknownPark, .unknownInterface: throw HTTPError(.notFound, message: failure.description)
            case .invalid: throw HTTPError(.badRequest, message: failure.description)
            }
        }
        try await AuditLog(store: store).record(
            user, "park.command", target: "park:\(park)", after: ["code": code, "oprNum": command.oprNum, "status": command.status.rawValue],
            channel: channel)
        return command
    }

    func register(on api: RouterGroup<AppRequestContext>) {
        api.post("/parks/{code}/commands/{interface}") { request, context -> EditedResponse<CommandView> in
            let user = try context.require(.commandParks)
            let park = try context.parameters.require("code")
            let interface = try context.parameters.require("interface")
            try context.requireVisible(parkCode: park, vendor: nil, devCode: nil, what: "park")
            let body = try await request.body.collect(upTo: 1 << 20)
            let bytes = Array(body.readableBytesView)
            let command = try await Self.send(
                commands: commands, store: store, park: park, code: interface, dataText: String(decoding: bytes, as: UTF8.self), user: user.username,
                channel: "api")
            let status: HTTPResponse.Status = switch command.status {
            case .succeeded: .ok
            case .failed: .badGateway
            case .timeout: .gatewayTimeout
            case .offline: .conflict
            case .queued, .sent, .expired: .accepted
            }
            return EditedResponse(status: status, headers: [.location: "/api/v1/commands/\(command.id)"], response: CommandView(command))
        }
        api.get("/parks/{code}/commands") { request, context -> CommandList in
            try context.require(.read)
            let park = try context.parameters.require("code")
            try context.requireVisible(parkCode: park, vendor: nil, devCode: nil, what: "park")
            let query = request.uri.queryParameters
            let limit = min(max(1, query["limit"].flatMap { Int($0) } ?? 100), 1000)
            let items = try await store.commands(
                parkCode: park, status: query["status"].map(String.init), limit: limit, before: query["before"].flatMap { Int64($0) })
            return CommandList(commands: items)
        }
        api.get("/commands/{id}") { _, context -> CommandView in
            try context.require(.read)
            guard let id = context.parameters.get("id").flatMap({ Int64($0) }), let command = try await store.command(id: id) else {
                throw HTTPError(.notFound, message: "no such request")
            }
            try context.requireVisible(parkCode: command.parkCode, vendor: nil, devCode: nil, what: "request")
            return CommandView(command)
        }
        let blacklist = Blacklist(store: store, commands: commands, time: commands.time)
        api.get("/blacklist") { request, context -> AdminAPI.Items<BlacklistEntry> in
            try context.require(.read)
            return AdminAPI.Items(items: try await store.blacklist(activeOnly: request.uri.queryParameters["all"] == nil))
        }
        api.put("/blacklist/{plate}") { request, context -> BlacklistView in
            let user = try context.require(.manageMembers)
            let plate = try context.parameters.require("plate").removingPercentEncoding ?? ""
            guard let change = try? await request.decode(as: BlacklistChange.self, context: context) else {
                throw HTTPError(.badRequest, message: "send {\"oweMoney\",\"carType\",\"paymentStatus\",\"note\"} (each optional)")
            }
            guard let owe = Money(change.oweMoney ?? "0") else { throw HTTPError(.badRequest, message: "oweMoney must be an amount like 80.00") }
            let before = try await store.blacklistEntry(plate: plate)
            do {
                let entry = try await blacklist.put(
                    plate: plate, oweMoney: owe, carType: change.carType ?? "4", paymentStatus: change.paymentStatus ?? "1", note: change.note,
                    by: user.username)
                try await AuditLog(store: store).record(user.username, "blacklist.save", target: "plate:\(plate)", before: before, after: entry, channel: "api")
                return BlacklistView(entry: entry)
            } catch let error as Blacklist.Invalid {
                throw HTTPError(.badRequest, message: error.description)
            }
        }
        api.delete("/blacklist/{plate}") { _, context -> Response in
            let user = try context.require(.manageMembers)
            let plate = try context.parameters.require("plate").removingPercentEncoding ?? ""
            guard let entry = try await blacklist.remove(plate: plate, by: user.username) else { throw HTTPError(.notFound, message: "\(plate) is not on the blacklist") }
            try await AuditLog(store: store).record(user.username, "blacklist.remove", target: "plate:\(plate)", after: entry, channel: "api")
            return Response(status: .noContent)
        }
        api.get("/downlink") { _, context -> DownlinkView in
            try context.require(.read)
            let scope = context.scope
            let visible = connections.all().filter { scope?.allows(parkCode: $0.parkCode, vendor: nil, devCode: nil) ?? true }
            return DownlinkView(port: connections.listeningPort, connected: visible.count, connections: visible)
        }
    }
}
