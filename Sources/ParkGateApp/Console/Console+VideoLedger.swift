import Foundation
import Hummingbird
import ParkGateModel
import ParkGateStore

/// The video ledger edited in the console (new devices, changes, retiring), and the logs of
/// section 三(一) (user, device, alarm) with their filters and CSV export.
extension Console {
    func videoDeviceForm(_ t: [String: String], _ device: VideoDevice?) -> String {
        var fields: [[String: Any]] = []
        if device == nil {
            fields.append(textField("id", "GB/T 28181", "", help: t["idHelp"]!))
            fields.append(selectField("kind", t["kind"]!, "car", ["car", "face", "node"].map { ($0, t["videoKind." + $0]!) }))
        }
        fields += [
            textField("name", t["name"]!, device?.name ?? ""), textField("node", t["node"]!, device?.nodeId ?? ""),
            textField("place", t["place"]!, device?.place ?? ""), textField("longitude", t["longitude"]!, device?.longitude ?? ""),
            textField("latitude", t["latitude"]!, device?.latitude ?? ""), textField("owner", t["owner"]!, device?.owner ?? ""),
            textField("installed", t["installed"]!, device?.installed ?? "", help: t["installedHelp"]!),
            textField("channels", t["channels"]!, String(device?.channels ?? 1)),
        ]
        return render("form", [
            "heading": device == nil ? t["newVideoDevice"]! : t["editVideoDevice"]!, "action": device.map { "/video/devices/\($0.id)" } ?? "/video/devices",
            "id": "video-device-form", "submit": device == nil ? t["create"]! : t["save"]!, "fields": fields,
        ])
    }

    /// The retire (or reactivate) button of a device page.
    func videoDeviceStatusForm(_ t: [String: String], _ device: VideoDevice) -> String {
        let retired = device.status == "retired"
        return "<form method=\"post\" action=\"/video/devices/\(device.id)/\(retired ? "reactivate" : "retire")\" class=\"inline\" id=\"video-device-status\">"
            + "<button>\(SVGCharts.escape(retired ? t["reactivate"]! : t["retire"]!))</button></form>"
    }

    func registerVideoLedgerPages(on pages: RouterGroup<AppRequestContext>) {
        for path in ["/video/devices", "/video/devices/{id}"] {
            pages.post(RouterPath(path)) { request, context in
                try await guarded(request, context) {
                    let user = try context.require(.manageVideoDevices)
                    let form = try await formFields(request, context)
                    let id = context.parameters.get("id") ?? (form["id"] ?? "").trimmingCharacters(in: .whitespaces)
                    if path == "/video/devices", try await store.videoDevice(id: id) != nil {
                        throw HTTPError(.conflict, message: "\(id) is already in the ledger")
                    }
                    guard let channels = Int(form["channels"].flatMap { $0.isEmpty ? nil : $0 } ?? "1") else {
                        throw HTTPError(.badRequest, message: "channels must be a number")
                    }
                    let change = VideoLedger.Change(
                        kind: form["kind"], name: form["name"], node: form["node"] ?? "", place: form["place"] ?? "", longitude: form["longitude"] ?? "",
                        latitude: form["latitude"] ?? "", owner: form["owner"] ?? "", installed: form["installed"] ?? "", channels: channels)
                    do {
                        _ = try await VideoLedger(store: store).edit(id: id, change, by: user.username, channel: "console")
                    } catch let invalid as VideoLedger.Invalid {
                        throw HTTPError(.badRequest, message: invalid.description)
                    }
                    return redirect("/video/devices/\(id)")
                }
            }
        }
        for action in ["retire", "reactivate"] {
            pages.post(RouterPath("/video/devices/{id}/\(action)")) { request, context in
                try await guarded(request, context) {
                    let user = try context.require(.manageVideoDevices)
                    let id = try context.parameters.require("id")
                    guard let device = try await store.videoDevice(id: id) else { throw HTTPError(.notFound, message: "no video device \(id)") }
                    let ledger = VideoLedger(store: store)
                    if action == "retire" {
                        _ = try await ledger.retire(device, by: user.username, channel: "console")
                    } else {
                        _ = try await ledger.edit(id: id, VideoLedger.Change(status: "active"), by: user.username, channel: "console")
                    }
                    return redirect("/video/devices/\(id)")
                }
            }
        }
        pages.get("/video/logs") { request, context in
            try await guarded(request, context) {
                let t = words(request)
                let parameters = request.uri.queryParameters
                // The API's reading of the filters (times as YYYYMMDDHHmmss or ISO 8601, 400 with the reason otherwise).
                var query = try VideoAPI(admin: AdminAPI(store: store, accounts: accounts, time: time)).logQuery(parameters)
                if parameters.text("limit") == nil, parameters.text("format") != "csv" { query.limit = 500 }
                try context.require(query.type == .user ? .readLogs : .read)
                let rows = try await VideoLogs(store: store).rows(query, scope: context.scope)
                let types = VideoLogs.Kind.allCases.filter { $0 != .user || context.user?.parsedRole?.allows(.readLogs) == true }
                var table = ConsoleTable(
                    title: t["videoLogs"]!, active: "videoLogs",
                    filters: [
                        .init(name: "type", label: t["logType"]!, options: types.map { ($0.rawValue, t["logType." + $0.rawValue]!) }),
                        .init(name: "device", label: t["device"]!, size: 22), .init(name: "user", label: t["user"]!),
                        .init(name: "kind", label: t["logKind"]!), .init(name: "from", label: t["from"]!, size: 14), .init(name: "to", label: t["to"]!, size: 14),
                    ],
                    columns: [t["time"]!, t["logType"]!, t["user"]!, t["device"]!, t["logKind"]!, t["detail"]!])
                table.rows = rows.map { row in
                    ([.init(text: stamp(row.at)), .init(text: t["logType." + row.type] ?? row.type), .init(text: row.user ?? ""),
                      .init(text: row.device ?? "", href: row.device.map { "/video/devices/\($0)" }),
                      .init(text: t["logKind." + row.kind] ?? row.kind), .init(text: row.detail)], [])
                }
                return render(table, request, context)
            }
        }
    }
}
