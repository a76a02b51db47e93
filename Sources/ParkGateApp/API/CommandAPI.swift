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

    /// A stored request with its JSON texts as JSON.
    struct CommandView: ResponseEncodable {
        let id: String
        let parkCode, code, name, oprNum, status: String
        let durable: Bool
        let requestedBy: String
        let requestedAt: Date
        let expiresAt, nextAttemptAt, sentAt, repliedAt: Date?
        let attempts: Int
        let resultCode, resultMessage, error: String?
        let data, reply, checked: JSONNode?

        init(_ command: ParkCommandRecord) {
            (id, parkCode, code, oprNum, status) = (String(command.id), command.parkCode, command.code, command.oprNum, command.status.rawValue)
            name = Int(command.code).flatMap(CPMIInterface.init(rawValue:))?.name ?? ""
            (durable, requestedBy, requestedAt, expiresAt, nextAttemptAt) = (command.durable, command.requestedBy, command.requestedAt, command.expiresAt, command.nextAttemptAt)
            (sentAt, repliedAt, attempts) = (command.sentAt, command.repliedAt, command.attempts)
            (resultCode, resultMessage, error) = (command.resultCode, command.resultMessage, command.error)
            data = JSONNode(text: command.data)
            reply = command.replyData.flatMap(JSONNode.init(text:))
            checked = command.checked.flatMap(JSONNode.init(text:))
        }
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

    func register(on api: RouterGroup<AppRequestContext>) {
        api.post("/parks/{code}/commands/{interface}") { request, context -> EditedResponse<CommandView> in
            let user = try context.require(.commandParks)
            let park = try context.parameters.require("code")
            let interface = try context.parameters.require("interface")
            try context.requireVisible(parkCode: park, vendor: nil, devCode: nil, what: "park")
            let body = try await request.body.collect(upTo: 1 << 20)
            let bytes = Array(body.readableBytesView)
            guard (try? JSONObjectParser.parse(bytes)) != nil else {
                throw HTTPError(.badRequest, message: "send the interface's data as one JSON object")
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let command: ParkCommandRecord
            do {
                command = try await commands.send(parkCode: park, code: interface, dataText: text, by: user.username)
            } catch let failure as ParkCommands.Failure {
                switch failure {
                case .unknownPark, .unknownInterface: throw HTTPError(.notFound, message: failure.description)
                case .invalid: throw HTTPError(.badRequest, message: failure.description)
                }
            }
            try await AuditLog(store: store).record(
                user.username, "park.command", target: "park:\(park)", after: ["code": interface, "oprNum": command.oprNum, "status": command.status.rawValue],
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
        api.get("/parks/{code}/commands") { request, context -> AdminAPI.Items<CommandView> in
            try context.require(.read)
            let park = try context.parameters.require("code")
            try context.requireVisible(parkCode: park, vendor: nil, devCode: nil, what: "park")
            let query = request.uri.queryParameters
            let limit = min(max(1, query["limit"].flatMap { Int($0) } ?? 100), 1000)
            let items = try await store.commands(
                parkCode: park, status: query["status"].map(String.init), limit: limit, before: query["before"].flatMap { Int64($0) })
            return AdminAPI.Items(items: items.map(CommandView.init))
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

/// Any JSON value, for handing stored JSON texts back as JSON.
indirect enum JSONNode: Encodable, Sendable {
    case null, bool(Bool), number(Double), integer(Int64), string(String), array([JSONNode]), object([(String, JSONNode)])

    init?(text: String) {
        guard let value = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else { return nil }
        self.init(foundation: value)
    }

    init(foundation value: Any) {
        switch JSONValue(foundation: value) {
        case .string(let text): self = .string(text)
        case .bool(let flag): self = .bool(flag)
        case .null: self = .null
        case .number(let text): self = Int64(text).map(JSONNode.integer) ?? .number(Double(text) ?? 0)
        case .array: self = .array((value as? [Any] ?? []).map(JSONNode.init(foundation:)))
        case .object: self = .object((value as? [String: Any] ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, JSONNode(foundation: $0.value)) })
        }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let flag):
            var container = encoder.singleValueContainer()
            try container.encode(flag)
        case .number(let number):
            var container = encoder.singleValueContainer()
            try container.encode(number)
        case .integer(let number):
            var container = encoder.singleValueContainer()
            try container.encode(number)
        case .string(let text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case .array(let items):
            var container = encoder.unkeyedContainer()
            for item in items { try container.encode(item) }
        case .object(let members):
            var container = encoder.container(keyedBy: Key.self)
            for (key, value) in members { try container.encode(value, forKey: Key(stringValue: key)) }
        }
    }
}
