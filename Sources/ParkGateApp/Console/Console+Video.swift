import Foundation
import Hummingbird
import ParkGateModel
import ParkGateStore

/// The video platform in the console: the device ledger (一机一档) and the captures.
extension Console {
    func registerVideoPages(on pages: RouterGroup<AppRequestContext>) {
        pages.get("/video/devices") { request, context in
            try await guarded(request, context) {
                try context.require(.read)
                let t = words(request)
                let scope = context.scope
                let devices = try await store.videoDevices().filter { scope?.allowsVideoDevice($0.id) ?? true }
                var table = ConsoleTable(
                    title: t["videoDevices"]!, active: "videoDevices", filters: [],
                    columns: ["GB/T 28181", t["kind"]!, t["name"]!, t["node"]!, t["place"]!, t["coordinates"]!, t["owner"]!, t["installed"]!,
                              t["channels"]!, t["online"]!, t["lastSeen"]!])
                table.total = devices.count
                if context.user?.parsedRole?.allows(.manageVideoDevices) == true { table.after = videoDeviceForm(t, nil) }
                table.rows = devices.map { device in
                    ([.init(text: device.id, href: "/video/devices/\(device.id)"),
                      .init(text: t["videoKind." + device.kind] ?? device.kind), .init(text: device.name), .init(text: device.nodeId ?? ""),
                      .init(text: device.place ?? ""), .init(text: [device.longitude, device.latitude].compactMap { $0 }.joined(separator: ", ")),
                      .init(text: device.owner ?? ""), .init(text: device.installed ?? ""), .init(text: String(device.channels)),
                      .init(text: device.status == "active" ? (device.online ? t["yes"]! : t["no"]!) : device.status), .init(text: stamp(device.lastSeen))], [])
                }
                return render(table, request, context)
            }
        }
        pages.get("/video/captures") { request, context in
            try await guarded(request, context) {
                try context.require(.read)
                let t = words(request)
                let query = request.uri.queryParameters
                let scope = context.scope
                let limit = min(max(1, query.text("limit").flatMap { Int($0) } ?? 100), 100_000)
                let captures = try await store.videoCaptures(
                    deviceId: query.text("deviceId"), plate: query.text("plate"), from: nil, to: nil, limit: limit)
                    .filter { scope?.allowsVideoDevice($0.deviceId) ?? true }
                var table = ConsoleTable(
                    title: t["videoCaptures"]!, active: "videoCaptures",
                    filters: [.init(name: "deviceId", label: t["device"]!, size: 22), .init(name: "plate", label: t["plate"]!)],
                    columns: [t["time"]!, t["device"]!, t["kind"]!, t["plate"]!, t["plateColor"]!, t["vehicleType"]!, t["direction"]!,
                              t["place"]!, t["images"]!, t["findingsShort"]!, t["received"]!])
                let oldest = try await store.oldestVideoCapture().map { String(time.formatDashed($0).prefix(10)) } ?? "–"
                table.before = "<p id=\"retention\">" + SVGCharts.escape(t["retentionNote"]!.replacingOccurrences(of: "{days}", with: String(Int(videoRetentionDays))).replacingOccurrences(of: "{oldest}", with: oldest)) + "</p>"
                table.rows = captures.map { capture in
                    let first = capture.images.first.map { "/api/v1/blobs/\($0.blob)" }
                    return ([.init(text: stamp(capture.capturedAt)), .init(text: capture.deviceId), .init(text: t["videoKind." + capture.family] ?? capture.family),
                             .init(text: capture.plate ?? ""), .init(text: capture.plateColor ?? ""), .init(text: capture.vehicleType ?? ""),
                             .init(text: capture.direction ?? ""), .init(text: capture.place ?? ""),
                             .init(text: capture.images.map { t["image." + $0.role] ?? $0.role }.joined(separator: " "), href: first),
                             .init(text: capture.findings ?? ""), .init(text: stamp(capture.receivedAt))], [])
                }
                return render(table, request, context)
            }
        }
        pages.get("/video/availability") { request, context in
            try await guarded(request, context) {
                try context.require(.read)
                let t = words(request)
                let now = Date()
                let days = try await VideoHealth(store: store, time: time).days(
                    from: now.addingTimeInterval(-29 * 86_400), to: now, now: now, only: context.scope)
                var table = ConsoleTable(
                    title: t["availability"]!, active: "videoAvailability", filters: [],
                    columns: [t["day"]!, t["area"]!, t["devicesCount"]!, t["availabilityRate"]!, t["meets95"]!])
                table.rows = days.flatMap { day in
                    day.figures.map { figure in
                        ([.init(text: day.day), .init(text: figure.group == "all" ? t["allAreas"]! : figure.group), .init(text: String(figure.devices)),
                          .init(text: figure.rate.map { String(format: "%.2f%%", $0 * 100) } ?? "–"),
                          .init(text: figure.meetsRequirement.map { $0 ? t["yes"]! : t["no"]! } ?? "–")], [])
                    }
                }
                return render(table, request, context)
            }
        }
        pages.get("/video/devices/{id}") { request, context in
            try await guarded(request, context) {
                try context.require(.read)
                let t = words(request)
                let id = try context.parameters.require("id")
                guard context.scope?.allowsVideoDevice(id) ?? true, let device = try await store.videoDevice(id: id) else {
                    throw HTTPError(.notFound, message: "no video device \(id)")
                }
                let changes = try await store.videoDeviceChanges(id: id, limit: 200).map { "\(stamp($0.at))  \($0.online ? t["online"]! : t["offline"]!)" }
                let alarms = try await store.alarms(AlarmQuery(vendor: "video", devCode: id, limit: 200)).items.map { alarm in
                    "\(stamp(alarm.raisedAt))  \(alarm.kind)  \(alarm.status)  \(alarm.description)"
                }
                let log = try await store.videoDeviceLog(VideoDeviceLogQuery(deviceId: id, limit: 200)).map { event in
                    "\(stamp(event.at))  \(t["logKind." + event.kind] ?? event.kind)  \(event.detail ?? "")"
                }
                var sections: [[String: Any]] = []
                if context.user?.parsedRole?.allows(.manageVideoDevices) == true {
                    sections.append(["heading": "", "html": videoDeviceForm(t, device) + videoDeviceStatusForm(t, device)])
                }
                sections += [["heading": t["deviceLog"]!, "pre": log.joined(separator: "\n")], ["heading": t["stateChanges"]!, "pre": changes.joined(separator: "\n")],
                             ["heading": t["alarms"]!, "pre": alarms.joined(separator: "\n")]]
                return page(request, context, title: "\(t["videoDevices"]!) · \(device.name)", active: "videoDevices", template: "detail", [
                    "fields": [
                        ["label": "GB/T 28181", "value": device.id], ["label": t["kind"]!, "value": t["videoKind." + device.kind] ?? device.kind],
                        ["label": t["node"]!, "value": device.nodeId ?? ""], ["label": t["place"]!, "value": device.place ?? ""],
                        ["label": t["owner"]!, "value": device.owner ?? ""], ["label": t["installed"]!, "value": device.installed ?? ""],
                        ["label": t["channels"]!, "value": String(device.channels)],
                        ["label": t["deviceStatus"]!, "value": t["deviceStatus." + device.status] ?? device.status],
                        ["label": t["online"]!, "value": device.online ? t["yes"]! : t["no"]!], ["label": t["lastSeen"]!, "value": stamp(device.lastSeen)],
                        ["label": t["videoCaptures"]!, "value": t["videoCaptures"]!, "href": "/video/captures?deviceId=\(device.id)"],
                        ["label": t["videoLogs"]!, "value": t["videoLogs"]!, "href": "/video/logs?device=\(device.id)"],
                    ],
                    "sections": sections,
                ])
            }
        }
}
}
