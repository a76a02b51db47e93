import Foundation
import Hummingbird
import ParkGateModel
import ParkGateProtocols
import ParkGateStore

/// The T/CPMI downlink in the console: who is connected, every request sent to a park and its
/// reply (with the fee check of 9), a form to send one, and the blacklist (28).
extension Console {
    /// The downlink interfaces as select options, "9 停车费用查询".
    static var downlinkOptions: [(String, String)] {
        CPMIDownlinkSpec.all.keys.sorted { $0.rawValue < $1.rawValue }.map { ($0.code, "\($0.code) \($0.name)") }
    }

    func statusLabel(_ t: [String: String], _ status: String) -> String { t["cmd." + status] ?? status }

    func registerDownlinkPages(on pages: RouterGroup<AppRequestContext>) {
        pages.get("/downlink") { request, context in
            try await guarded(request, context) {
                try context.require(.read)
                let t = words(request)
                let query = request.uri.queryParameters
                let scope = context.scope
                let park = query.text("parkCode")
                let limit = min(max(1, query.text("limit").flatMap { Int($0) } ?? 100), 100_000)
                var items = try await store.commands(
                    parkCode: park, status: query.text("status"), limit: limit, before: query.text("cursor").flatMap { Int64($0) })
                let full = items.count == limit
                items = items.filter { scope?.parks.contains($0.parkCode) ?? true }
                let statuses = [("", t["all"]!)] + ParkCommandRecord.Status.allCases.map { ($0.rawValue, statusLabel(t, $0.rawValue)) }
                var table = ConsoleTable(
                    title: t["downlink"]!, active: "downlink",
                    filters: [.init(name: "parkCode", label: t["park"]!), .init(name: "status", label: t["status"]!, options: statuses)],
                    columns: [t["requestId"]!, t["park"]!, t["interface"]!, t["status"]!, t["resultCode"]!, t["requestedBy"]!, t["requestedAt"]!,
                              t["repliedAt"]!, t["attempts"]!, "oprNum"])
                table.rows = items.map { command in
                    let name = Int(command.code).flatMap(CPMIInterface.init(rawValue:))?.name ?? ""
                    let result = [command.resultCode, command.resultMessage, command.error].compactMap { $0 }.joined(separator: " ")
                    return ([.init(text: String(command.id), href: "/commands/\(command.id)"), .init(text: command.parkCode),
                             .init(text: "\(command.code) \(name)"), .init(text: statusLabel(t, command.status.rawValue)), .init(text: result),
                             .init(text: command.requestedBy), .init(text: stamp(command.requestedAt)), .init(text: stamp(command.repliedAt)),
                             .init(text: String(command.attempts)), .init(text: command.oprNum)], [])
                }
                if full, let last = items.last { table.nextCursor = String(last.id) }
                table.before = connectionsSection(t, scope: scope)
                if context.user?.parsedRole?.allows(.commandParks) == true {
                    let parks = try await store.parks().filter { scope?.parks.contains($0.code) ?? true }
                    table.after = render("form", [
                        "heading": t["sendCommand"]!, "action": "/downlink", "id": "command-form", "submit": t["send"]!,
                        "fields": [
                            selectField("parkCode", t["park"]!, park ?? parks.first?.code ?? "", parks.map { ($0.code, "\($0.code) \($0.name)") }),
                            selectField("code", t["interface"]!, "21", Self.downlinkOptions),
                            areaField("data", t["commandData"]!, #"{"barCode":"","isOpen":"1"}"#, help: t["commandDataHelp"]!),
                        ],
                    ])
                }
                return render(table, request, context)
            }
        }
        pages.post("/downlink") { request, context in
            try await guarded(request, context) {
                let user = try context.require(.commandParks)
                guard let commands else { throw HTTPError(.serviceUnavailable, message: "the downlink is not running") }
                let form = try await formFields(request, context)
                let park = form["parkCode"] ?? "", code = form["code"] ?? "", data = form["data"] ?? ""
                try context.requireVisible(parkCode: park, vendor: nil, devCode: nil, what: "park")
                let command = try await CommandAPI.send(
                    commands: commands, store: store, park: park, code: code, dataText: data, user: user.username, channel: "console")
                return redirect("/commands/\(command.id)")
            }
        }
        pages.get("/commands/{id}") { request, context in
            try await guarded(request, context) {
                try context.require(.read)
                let t = words(request)
                guard let id = context.parameters.get("id").flatMap({ Int64($0) }), let command = try await store.command(id: id) else {
                    throw HTTPError(.notFound, message: "no such request")
                }
                try context.requireVisible(parkCode: command.parkCode, vendor: nil, devCode: nil, what: "request")
                let name = Int(command.code).flatMap(CPMIInterface.init(rawValue:))?.name ?? ""
                var fields: [[String: Any]] = [
                    ["label": t["park"]!, "value": command.parkCode, "href": "/downlink?parkCode=\(command.parkCode)"],
                    ["label": t["interface"]!, "value": "\(command.code) \(name)"], ["label": "oprNum", "value": command.oprNum],
                    ["label": t["status"]!, "value": statusLabel(t, command.status.rawValue)],
                    ["label": t["durable"]!, "value": command.durable ? t["yes"]! : t["no"]!],
                    ["label": t["requestedBy"]!, "value": command.requestedBy], ["label": t["requestedAt"]!, "value": stamp(command.requestedAt)],
                    ["label": t["attempts"]!, "value": String(command.attempts)], ["label": t["sentAt"]!, "value": stamp(command.sentAt)],
                    ["label": t["repliedAt"]!, "value": stamp(command.repliedAt)],
                    ["label": t["resultCode"]!, "value": [command.resultCode, command.resultMessage].compactMap { $0 }.joined(separator: " ")],
                ]
                if let expires = command.expiresAt { fields.append(["label": t["expiresAt"]!, "value": stamp(expires)]) }
                if let next = command.nextAttemptAt, command.status == .queued { fields.append(["label": t["nextAttempt"]!, "value": stamp(next)]) }
                if let error = command.error { fields.append(["label": t["error"]!, "value": error]) }
                var sections: [[String: Any]] = [["heading": t["sentData"]!, "pre": Self.pretty(command.data)]]
                if let reply = command.replyData { sections.append(["heading": t["replyData"]!, "pre": Self.pretty(reply)]) }
                if let checked = command.checked { sections.append(["heading": t["feeCheck"]!, "pre": Self.pretty(checked)]) }
                return page(request, context, title: "\(t["request"]!) \(command.id)", active: "downlink", template: "detail",
                            ["fields": fields, "sections": sections])
            }
        }
        pages.get("/blacklist") { request, context in
            try await guarded(request, context) {
                try context.require(.read)
                let t = words(request)
                let all = request.uri.queryParameters.text("all") == "1"
                let mayEdit = context.user?.parsedRole?.allows(.manageMembers) == true
                var table = ConsoleTable(
                    title: t["blacklist"]!, active: "blacklist",
                    filters: [.init(name: "all", label: t["show"]!, options: [("", t["activeOnly"]!), ("1", t["withRemoved"]!)])],
                    columns: [t["plate"]!, t["carType"]!, t["oweMoney"]!, t["paymentStatus"]!, t["source"]!, t["note"]!, t["active"]!, t["updated"]!])
                let entries = try await store.blacklist(activeOnly: !all)
                table.total = entries.count
                table.rows = entries.map { entry in
                    let actions: [ConsoleTable.Action] = mayEdit && entry.active
                        ? [.init(path: "/blacklist/\(Self.pathComponent(entry.plate))/remove", label: t["remove"]!, name: "remove")] : []
                    return ([.init(text: entry.plate), .init(text: t["carType." + entry.carType] ?? entry.carType), .init(text: entry.oweMoney.text),
                             .init(text: t["paymentStatus." + entry.paymentStatus] ?? entry.paymentStatus),
                             .init(text: entry.source == "rule" ? t["unpaidRule"]! : entry.source), .init(text: entry.note ?? ""),
                             .init(text: entry.active ? t["yes"]! : t["no"]!), .init(text: stamp(entry.updatedAt))], actions)
                }
                if mayEdit {
                    table.after = render("form", [
                        "heading": t["addToBlacklist"]!, "action": "/blacklist", "id": "blacklist-form", "submit": t["save"]!,
                        "fields": [
                            textField("plate", t["plate"]!, ""),
                            selectField("carType", t["carType"]!, "1", ["1", "2", "3", "4"].map { ($0, t["carType." + $0]!) }),
                            textField("oweMoney", t["oweMoney"]!, "0.00"),
                            selectField("paymentStatus", t["paymentStatus"]!, "1", ["1", "2"].map { ($0, t["paymentStatus." + $0]!) }),
                            textField("note", t["note"]!, ""),
                        ],
                    ])
                }
                return render(table, request, context)
            }
        }
        pages.post("/blacklist") { request, context in
            try await guarded(request, context) {
                let user = try context.require(.manageMembers)
                guard let commands else { throw HTTPError(.serviceUnavailable, message: "the downlink is not running") }
                let form = try await formFields(request, context)
                let plate = Plates.normalised(form["plate"] ?? "") ?? ""
                guard let owe = Money(form["oweMoney"].flatMap { $0.isEmpty ? nil : $0 } ?? "0") else {
                    throw HTTPError(.badRequest, message: "oweMoney must be an amount like 80.00")
                }
                let before = try await store.blacklistEntry(plate: plate)
                do {
                    let entry = try await Blacklist(store: store, commands: commands, time: time).put(
                        plate: plate, oweMoney: owe, carType: form["carType"] ?? "4", paymentStatus: form["paymentStatus"] ?? "1",
                        note: form["note"].flatMap { $0.isEmpty ? nil : $0 }, by: user.username)
                    try await audit.record(user.username, "blacklist.save", target: "plate:\(plate)", before: before, after: entry, channel: "console")
                } catch let error as Blacklist.Invalid {
                    throw HTTPError(.badRequest, message: error.description)
                }
                return redirect("/blacklist")
            }
        }
        pages.post("/blacklist/{plate}/remove") { request, context in
            try await guarded(request, context) {
                let user = try context.require(.manageMembers)
                guard let commands else { throw HTTPError(.serviceUnavailable, message: "the downlink is not running") }
                let plate = try context.parameters.require("plate").removingPercentEncoding ?? ""
                guard let entry = try await Blacklist(store: store, commands: commands, time: time).remove(plate: plate, by: user.username) else {
                    throw HTTPError(.notFound, message: "\(plate) is not on the blacklist")
                }
                try await audit.record(user.username, "blacklist.remove", target: "plate:\(plate)", after: entry, channel: "console")
                return redirect("/blacklist")
            }
        }
        pages.post("/members/{plate}/delete") { request, context in
            try await guarded(request, context) {
                let user = try context.require(.manageMembers)
                let plate = try context.parameters.require("plate").removingPercentEncoding ?? ""
                guard let before = try await Members(store: store, commands: commands).remove(plate: plate, by: user.username) else {
                    throw HTTPError(.notFound, message: "no member \(plate)")
                }
                try await audit.record(user.username, "member.delete", target: "member:\(plate)", before: before, channel: "console")
                return redirect("/members")
            }
        }
    }

    /// The connected parks above the request list.
    func connectionsSection(_ t: [String: String], scope: RecordScope?) -> String {
        guard let connections else { return "" }
        let visible = connections.all().filter { scope?.allows(parkCode: $0.parkCode, vendor: nil, devCode: nil) ?? true }
            .sorted { $0.parkCode < $1.parkCode }
        var table = ConsoleTable(
            title: "", active: "", filters: [],
            columns: [t["park"]!, t["remoteAddress"]!, t["connectedAt"]!, t["lastRead"]!, t["pending"]!])
        table.rows = visible.map { info in
            ([.init(text: info.parkCode, href: "/downlink?parkCode=\(info.parkCode)"), .init(text: info.remoteAddress),
              .init(text: stamp(info.connectedAt)), .init(text: stamp(info.lastRead)), .init(text: String(info.pending))], [])
        }
        let rows = table.rows.map { row in
            "<tr>" + row.cells.map { cell in
                let text = SVGCharts.escape(cell.text)
                return "<td>" + (cell.href.map { "<a href=\"\(SVGCharts.escape($0))\">\(text)</a>" } ?? text) + "</td>"
            }.joined() + "</tr>"
        }.joined()
        let heading = "<h2 id=\"connections\">\(SVGCharts.escape(t["connections"]!)) · \(visible.count) · TCP \(connections.listeningPort)</h2>"
        guard !visible.isEmpty else { return heading + "<p class=\"empty\">\(SVGCharts.escape(t["noneConnected"]!))</p>" }
        return heading + "<table id=\"connection-list\"><thead><tr>" + table.columns.map { "<th>\(SVGCharts.escape($0))</th>" }.joined()
            + "</tr></thead><tbody>" + rows + "</tbody></table><h2>\(SVGCharts.escape(t["requests"]!))</h2>"
    }

    static func pathComponent(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// Stored JSON texts, indented for reading.
    static func pretty(_ text: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        else { return text }
        return String(decoding: data, as: UTF8.self)
    }
}
