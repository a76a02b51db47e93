import Foundation
import Hummingbird
import ParkGateModel
import ParkGateStore

/// Dashboard and the records: events (with their raw message and findings), berths, sessions,
/// alarms (acknowledge, close), devices, findings.
extension Console {
    func registerRecordPages(on pages: RouterGroup<AppRequestContext>) {
        pages.get("/") { request, context in
            try await guarded(request, context) { try await dashboard(request, context) }
        }
        pages.get("/events") { request, context in
            try await guarded(request, context) {
                try context.require(.read)
                let t = words(request)
                var query = try api.eventQuery(request.uri.queryParameters, scope: context.scope)
                if request.uri.queryParameters.text("format") == "csv" { query.limit = min(100_000, max(query.limit, 100_000)) }
                let page = try await store.events(query)
                var table = ConsoleTable(
                    title: t["events"]!, active: "events",
                    filters: [
                        .init(name: "parkCode", label: t["park"]!), .init(name: "psCode", label: t["berth"]!, size: 8),
                        .init(name: "devCode", label: t["device"]!), .init(name: "vendor", label: t["vendor"]!, size: 5),
                        .init(name: "plate", label: t["plate"]!, size: 9),
                        .init(name: "kind", label: t["kind"]!, options: [("", t["all"]!)] + ["entry", "exit", "occupied", "vacant", "parking-alarm", "device-error"].map { ($0, $0) }),
                        .init(name: "from", label: t["from"]!, size: 14), .init(name: "to", label: t["to"]!, size: 14),
                    ],
                    columns: [t["eventTime"]!, t["park"]!, t["berth"]!, t["device"]!, t["vendor"]!, t["kind"]!, t["plate"]!, t["confidence"]!, t["received"]!, "flowId"])
                table.rows = page.items.map { event in
                    ([.init(text: stamp(event.eventTime), href: "/events/\(event.id)"), .init(text: event.parkCode), .init(text: event.psCode),
                      .init(text: event.devCode), .init(text: event.vendor), .init(text: event.kind), .init(text: event.plate ?? ""),
                      .init(text: event.confidence.map(String.init) ?? ""), .init(text: stamp(event.receivedAt)), .init(text: event.flowId)], [])
                }
                table.nextCursor = page.nextCursor
                return render(table, request, context)
            }
        }
        pages.get("/events/{id}") { request, context in
            try await guarded(request, context) { try await eventDetail(request, context) }
        }
        pages.get("/berths") { request, context in
            try await guarded(request, context) {
                try context.require(.read)
                let t = words(request)
                let query = request.uri.queryParameters
                let berths = try await store.berths(BerthQuery(parkCode: query.text("parkCode"), occupied: query.flag("occupied"), scope: context.scope))
                var table = ConsoleTable(
                    title: t["berths"]!, active: "berths",
                    filters: [.init(name: "parkCode", label: t["park"]!),
                              .init(name: "occupied", label: t["occupied"]!, options: [("", t["all"]!), ("true", t["yes"]!), ("false", t["no"]!)])],
                    columns: [t["park"]!, t["berth"]!, t["occupied"]!, t["plate"]!, t["since"]!, t["device"]!, t["vendor"]!])
                table.total = berths.count
                table.rows = berths.map { berth in
                    ([.init(text: berth.parkCode), .init(text: berth.psCode, href: "/events?parkCode=\(berth.parkCode)&psCode=\(berth.psCode)"),
                      .init(text: berth.occupied ? t["yes"]! : t["no"]!), .init(text: berth.plate ?? ""), .init(text: stamp(berth.since)),
                      .init(text: berth.devCode), .init(text: berth.vendor)], [])
                }
                return render(table, request, context)
            }
        }
        pages.get("/sessions") { request, context in
            try await guarded(request, context) {
                try context.require(.read)
                let t = words(request)
                var query = try api.sessionQuery(request.uri.queryParameters, scope: context.scope)
                if request.uri.queryParameters.text("format") == "csv" { query.limit = 100_000 }
                let page = try await store.sessions(query)
                var table = ConsoleTable(
                    title: t["sessions"]!, active: "sessions",
                    filters: [.init(name: "parkCode", label: t["park"]!), .init(name: "psCode", label: t["berth"]!, size: 8),
                              .init(name: "plate", label: t["plate"]!, size: 9), .init(name: "vendor", label: t["vendor"]!, size: 5),
                              .init(name: "status", label: t["status"]!, options: [("", t["all"]!), ("open", "open"), ("closed", "closed"), ("superseded", "superseded")])],
                    columns: [t["park"]!, t["berth"]!, t["plate"]!, t["entry"]!, t["exit"]!, t["duration"]!, t["status"]!, t["vendor"]!])
                table.rows = page.items.map { session in
                    ([.init(text: session.parkCode), .init(text: session.psCode), .init(text: session.plate ?? ""),
                      .init(text: stamp(session.entryTime), href: session.entryEventId.map { "/events/\($0)" }),
                      .init(text: stamp(session.exitTime), href: session.exitEventId.map { "/events/\($0)" }),
                      .init(text: session.durationSeconds.map(String.init) ?? ""), .init(text: session.status), .init(text: session.vendor)], [])
                }
                table.nextCursor = page.nextCursor
                return render(table, request, context)
            }
        }
        pages.get("/alarms") { request, context in
            try await guarded(request, context) { try await alarms(request, context) }
        }
        for action in ["acknowledge", "close"] {
            pages.post("/alarms/{id}/\(action)") { request, context in
                try await guarded(request, context) {
                    do {
                        _ = try await AlarmActions.apply(action, context: context, store: store, channel: "console")
                    } catch let error as HTTPError where error.status == .conflict {
                        // Someone else closed it first: the inbox shows its state now.
                    }
                    let back = request.headers[.referer].flatMap { URL(string: $0) }.map { $0.path + ($0.query.map { "?" + $0 } ?? "") } ?? "/alarms"
                    return redirect(back.hasPrefix("/") ? back : "/alarms")
                }
            }
        }
        pages.get("/devices") { request, context in
            try await guarded(request, context) {
                try context.require(.read)
                let t = words(request)
                let query = request.uri.queryParameters
                var filter = DeviceQuery(vendor: query.text("vendor"), parkCode: query.text("parkCode"), online: query.flag("online"))
                filter.scope = context.scope
                let devices = try await store.devices(filter)
                var table = ConsoleTable(
                    title: t["devices"]!, active: "devices",
                    filters: [.init(name: "vendor", label: t["vendor"]!, size: 5), .init(name: "parkCode", label: t["park"]!),
                              .init(name: "online", label: t["online"]!, options: [("", t["all"]!), ("true", t["yes"]!), ("false", t["no"]!)])],
                    columns: [t["vendor"]!, t["device"]!, t["park"]!, t["berth"]!, t["online"]!, t["lastSeen"]!, t["battery"]!, t["messages"]!])
                table.total = devices.count
                table.rows = devices.map { device in
                    ([.init(text: device.vendor), .init(text: device.devCode, href: "/events?devCode=\(device.devCode)"), .init(text: device.parkCode),
                      .init(text: device.psCode), .init(text: device.online ? t["yes"]! : t["no"]!), .init(text: stamp(device.lastSeen)),
                      .init(text: device.battery ?? ""), .init(text: String(device.messages))], [])
                }
                return render(table, request, context)
            }
        }
        pages.get("/findings") { request, context in
            try await guarded(request, context) {
                try context.require(.read)
                let t = words(request)
                let scope = context.scope
                let findings = try await store.findings(sender: request.uri.queryParameters.text("sender"), protocolName: nil)
                    .filter { scope?.vendors.contains($0.sender) ?? true }
                var table = ConsoleTable(
                    title: t["findings"]!, active: "findings", filters: [.init(name: "sender", label: t["sender"]!, size: 5)],
                    columns: [t["sender"]!, t["interface"]!, t["field"]!, t["rule"]!, t["example"]!, t["count"]!, t["lastSeen"]!])
                table.rows = findings.map { finding in
                    ([.init(text: finding.sender), .init(text: finding.interface), .init(text: finding.field), .init(text: finding.rule),
                      .init(text: finding.example), .init(text: String(finding.count)), .init(text: stamp(finding.lastSeen))], [])
                }
                return render(table, request, context)
            }
        }
    }

    func dashboard(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try context.require(.read)
        let t = words(request)
        let today = time.startOfDay(Date())
        let counts = try await store.counts(scope: context.scope, since: today)
        let flows = try await store.hourlyFlows(from: today, to: today.addingTimeInterval(86_400), scope: context.scope)
        let figures: [(String, Int64, String)] = [
            ("online", counts.devicesOnline, "devicesOnline"), ("offline", counts.devicesOffline, "devicesOffline"),
            ("parksOnline", counts.parksOnline, "parksOnline"),
            ("occupied", counts.berthsOccupied, "berthsOccupied"), ("entries", counts.entriesSince, "entriesToday"),
            ("exits", counts.exitsSince, "exitsToday"), ("alarms", counts.openAlarms, "openAlarms"),
            ("sessions", counts.openSessions, "openSessions"), ("messages", counts.rawMessages, "messages"),
        ]
        let hours = (0..<24).map { today.addingTimeInterval(Double($0) * 3600) }
        let byHour = Dictionary(uniqueKeysWithValues: flows.map { ($0.hour, $0) })
        let arrivals = hours.map { Double(byHour[$0]?.arrivals ?? 0) }, departures = hours.map { Double(byHour[$0]?.departures ?? 0) }
        // Occupancy at the end of each hour, walked back from the berths occupied now.
        let currentHour = min(23, Int(Date().timeIntervalSince(today) / 3600))
        var occupancy = [Double](repeating: 0, count: 24)
        var level = Double(counts.berthsOccupied)
        for hour in stride(from: currentHour, through: 0, by: -1) {
            occupancy[hour] = max(0, level)
            level -= arrivals[hour] - departures[hour]
        }
        let labels = (0..<24).map { String(format: "%02d", $0) }
        // Only administrators change settings; the others need not see the server's environment.
        let ignored = context.user?.parsedRole?.allows(.manageUsers) == true ? ignoredSettings : []
        let zh = language(request) == .zh
        return page(request, context, title: t["dashboard"]!, active: "dashboard", template: "dashboard", [
            "hasIgnoredSettings": !ignored.isEmpty,
            "ignoredSettings": ignored.map { setting -> String in
                let place = setting.file.map { zh ? "配置文件 \($0) 中的 \(setting.name)" : "\(setting.name) in \($0)" }
                    ?? (zh ? "环境变量 \(setting.name)" : "environment variable \(setting.name)")
                return place + (setting.meant.map { zh ? "：是否应为 \($0)？" : ": did you mean \($0)?" } ?? "")
            },
            "figures": figures.map { ["key": $0.0, "value": String($0.1), "label": t[$0.2] ?? $0.2] },
            "flows": ConsoleCharts.bars(labels: labels, series: [(t["entry"]!, arrivals), (t["exit"]!, departures)], title: t["flowsPerHour"]!),
            "occupancy": ConsoleCharts.line(labels: labels, values: Array(occupancy.prefix(currentHour + 1)), title: t["occupancyDay"]!),
        ])
    }

    func eventDetail(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try context.require(.read)
        let t = words(request)
        guard let id = Int64(try context.parameters.require("id")), let event = try await store.event(id: id) else {
            throw HTTPError(.notFound, message: "no such event")
        }
        try context.requireVisible(parkCode: event.parkCode, vendor: event.vendor, devCode: event.devCode, what: "event")
        let raw = try await store.rawMessage(id: event.rawId)
        var fields: [[String: Any]] = [
            ["label": t["kind"]!, "value": event.kind], ["label": t["eventTime"]!, "value": "\(stamp(event.eventTime)) (\(event.eventTimeText))"],
            ["label": t["received"]!, "value": stamp(event.receivedAt)], ["label": t["park"]!, "value": event.parkCode],
            ["label": t["berth"]!, "value": event.psCode], ["label": t["device"]!, "value": event.devCode, "href": "/events?devCode=\(event.devCode)"],
            ["label": t["vendor"]!, "value": event.vendor], ["label": t["plate"]!, "value": event.plate ?? "-"],
            ["label": t["confidence"]!, "value": event.confidence.map(String.init) ?? ""], ["label": "flowId", "value": event.flowId],
            ["label": t["interface"]!, "value": event.interface],
        ]
        if let inTime = event.inTime { fields.append(["label": t["entry"]!, "value": stamp(inTime)]) }
        for (key, value) in event.data.sorted(by: { $0.key < $1.key }) where key != "images" {
            fields.append(["label": key, "value": value])
        }
        var sections: [[String: Any]] = []
        let images = (event.data["images"] ?? "").split(separator: "\n").map(String.init)
        if !images.isEmpty {
            // The devices' image URLs point at their vendors' servers: linked, never loaded by the console.
            let links = images.map { url -> String in
                let safe = SVGCharts.escape(url)
                return url.hasPrefix("http://") || url.hasPrefix("https://") ? "<li><a href=\"\(safe)\" rel=\"noreferrer\" target=\"_blank\">\(safe)</a></li>" : "<li>\(safe)</li>"
            }
            sections.append(["heading": t["images"]!, "html": "<ul class=\"images\">" + links.joined() + "</ul>"])
        }
        if let raw {
            sections.append(["heading": "\(t["raw"]!) · \(raw.interface) · \(stamp(raw.receivedAt))", "pre": prettyJSON(raw.body)])
            let findings = (raw.findings.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } as? [[String: String]]) ?? []
            let rows = findings.map { "<tr><td>\(SVGCharts.escape($0["field"] ?? ""))</td><td>\(SVGCharts.escape($0["rule"] ?? ""))</td><td>\(SVGCharts.escape($0["example"] ?? ""))</td></tr>" }
            sections.append(["heading": t["findingsOfMessage"]!, "html": findings.isEmpty ? "<p class=\"empty\">\(t["nothing"]!)</p>"
                : "<table id=\"findings\"><tr><th>\(t["field"]!)</th><th>\(t["rule"]!)</th><th>\(t["example"]!)</th></tr>" + rows.joined() + "</table>"])
        }
        return page(request, context, title: "\(t["detail"]!) · \(event.kind) · \(event.psCode)", active: "events", template: "detail",
                    ["fields": fields, "sections": sections])
    }

    func prettyJSON(_ text: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return text }
        return String(decoding: data, as: UTF8.self)
    }

    func alarms(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try context.require(.read)
        let t = words(request)
        let parameters = request.uri.queryParameters
        if parameters["status"] == nil && parameters["cursor"] == nil {
            // The inbox opens on what still needs attention.
            return redirect(link(request, ["status": "open"]))
        }
        var query = try api.alarmQuery(parameters, scope: context.scope)
        if parameters.text("format") == "csv" { query.limit = 100_000 }
        let page = try await store.alarms(query)
        let mayOperate = context.user?.parsedRole?.allows(.operate) == true
        var table = ConsoleTable(
            title: t["alarms"]!, active: "alarms",
            filters: [.init(name: "status", label: t["status"]!, options: [("open", t["open"]!), ("", t["all"]!), ("cleared", "cleared"), ("closed", "closed")]),
                      .init(name: "kind", label: t["kind"]!, options: [("", t["all"]!), ("parking", "parking"), ("device-error", "device-error"), ("device-offline", "device-offline")]),
                      .init(name: "vendor", label: t["vendor"]!, size: 5), .init(name: "parkCode", label: t["park"]!)],
            columns: [t["raised"]!, t["kind"]!, t["code"]!, t["level"]!, t["description"]!, t["park"]!, t["berth"]!, t["device"]!, t["status"]!, t["acknowledgedBy"]!])
        table.rows = page.items.map { alarm in
            var actions: [ConsoleTable.Action] = []
            if mayOperate, alarm.status == "open" {
                if alarm.acknowledgedAt == nil { actions.append(.init(path: "/alarms/\(alarm.id)/acknowledge", label: t["acknowledge"]!, name: "acknowledge")) }
                actions.append(.init(path: "/alarms/\(alarm.id)/close", label: t["close"]!, name: "close"))
            }
            return ([.init(text: stamp(alarm.raisedAt), href: alarm.eventId.map { "/events/\($0)" }), .init(text: alarm.kind), .init(text: alarm.code),
                     .init(text: alarm.level ?? ""), .init(text: alarm.description), .init(text: alarm.parkCode ?? ""), .init(text: alarm.psCode ?? ""),
                     .init(text: alarm.devCode), .init(text: alarm.status), .init(text: alarm.acknowledgedBy.map { "\($0) \(stamp(alarm.acknowledgedAt))" } ?? "")],
                    actions)
        }
        table.nextCursor = page.nextCursor
        return render(table, request, context)
    }
}
