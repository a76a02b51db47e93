import Foundation
import Hummingbird
import ParkGateModel
import ParkGateProtocols
import ParkGateStore

/// The video platform under `/api/v1/video`: the ledger (read and edit), availability, the
/// device, user and alarm logs, retention and captures. Scoped users see their devices only.
struct VideoAPI {
    let admin: AdminAPI
    var store: any Store { admin.store }
    var time: ChinaTime { admin.time }

    /// A device's page: its state changes (keep-alive gaps), its log and its alarms, newest first.
    struct DeviceLog: ResponseEncodable {
        let device: VideoDevice
        let changes: [VideoAvailability.Change]
        let events: [VideoDeviceEvent]
        let alarms: [AlarmRow]
    }

    struct LogItems: ResponseEncodable {
        let items: [VideoLogs.Row]
    }

    func register(on api: RouterGroup<AppRequestContext>) {
        api.get("/video/devices") { _, context -> AdminAPI.Items<VideoDevice> in
            try context.require(.read)
            let scope = context.scope
            return AdminAPI.Items(items: try await store.videoDevices().filter { scope?.allowsVideoDevice($0.id) ?? true })
        }
        api.put("/video/devices/{id}") { request, context -> EditedResponse<VideoDevice> in
            let user = try context.require(.manageVideoDevices)
            let id = try context.parameters.require("id")
            let change: VideoLedger.Change
            do {
                change = try await request.decode(as: VideoLedger.Change.self, context: context)
            } catch {
                throw HTTPError(.badRequest, message: "send {\"kind\":\"car|face|node\",\"name\",\"node\",\"place\",\"longitude\",\"latitude\",\"owner\",\"installed\",\"channels\",\"status\":\"active|retired\"}")
            }
            let (saved, created) = try await edit(id, change, by: user.username)
            return EditedResponse(status: created ? .created : .ok, response: saved)
        }
        api.delete("/video/devices/{id}") { _, context -> VideoDevice in
            let user = try context.require(.manageVideoDevices)
            let id = try context.parameters.require("id")
            guard let before = try await store.videoDevice(id: id) else { throw HTTPError(.notFound, message: "no video device \(id)") }
            return try await VideoLedger(store: store).retire(before, by: user.username, channel: "api")
        }
        api.get("/video/availability") { request, context -> AdminAPI.Items<VideoHealth.Day> in
            try context.require(.read)
            let query = request.uri.queryParameters
            let now = Date()
            let to = try admin.instant(query["to"], "to") ?? now
            let from = try admin.instant(query["from"], "from") ?? to.addingTimeInterval(-6 * 86_400)
            return AdminAPI.Items(items: try await VideoHealth(store: store, time: time).days(from: from, to: to, now: now, only: context.scope))
        }
        api.get("/video/devices/{id}/log") { _, context -> DeviceLog in
            try context.require(.read)
            let id = try context.parameters.require("id")
            guard context.scope?.allowsVideoDevice(id) ?? true, let device = try await store.videoDevice(id: id) else {
                throw HTTPError(.notFound, message: "no video device \(id)")
            }
            let alarms = try await store.alarms(AlarmQuery(vendor: "video", devCode: id, limit: 1000)).items
            let events = try await store.videoDeviceLog(VideoDeviceLogQuery(deviceId: id, limit: 1000))
            return DeviceLog(device: device, changes: try await store.videoDeviceChanges(id: id, limit: 1000), events: events, alarms: alarms)
        }
        api.get("/video/logs") { request, context -> Response in
            // JSON `{"items":[{"at","type","user","device","kind","detail"}]}`, or the same as CSV with `format=csv`.
            let query = try logQuery(request.uri.queryParameters)
            try context.require(query.type == .user ? .readLogs : .read)
            let rows = try await VideoLogs(store: store).rows(query, scope: context.scope)
            if request.uri.queryParameters.text("format") == "csv" {
                return Response(
                    status: .ok,
                    headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"video-\(query.type.rawValue)-log.csv\""],
                    body: .init(byteBuffer: ByteBuffer(string: VideoLogs.csv(rows, time: time))))
            }
            return try LogItems(items: rows).response(from: request, context: context)
        }
        api.get("/video/retention") { _, context -> Response in
            try context.require(.read)
            let oldest = try await store.oldestVideoCapture().map { JSONText.quote(time.formatDashed($0)) } ?? "null"
            let days = admin.videoRetentionDays
            return HTTPExchange.json("{\"days\":\(days == days.rounded() ? String(Int(days)) : String(days)),\"oldest\":\(oldest)}")
        }
        api.get("/video/captures") { request, context -> AdminAPI.Items<VideoCapture> in
            try context.require(.read)
            let query = request.uri.queryParameters
            let (limit, _) = try admin.paging(query)
            let scope = context.scope
            let captures = try await store.videoCaptures(
                deviceId: query.text("deviceId"), plate: query.text("plate"), from: try admin.instant(query["from"], "from"),
                to: try admin.instant(query["to"], "to"), limit: limit)
            return AdminAPI.Items(items: captures.filter { scope?.allowsVideoDevice($0.deviceId) ?? true })
        }
    }

    /// `type=user|device|alarm` (default device), `from`, `to`, `user`, `device`, `kind`, `limit`.
    func logQuery(_ parameters: Parameters) throws -> VideoLogs.Query {
        var query = VideoLogs.Query()
        if let type = parameters.text("type") {
            guard let kind = VideoLogs.Kind(rawValue: type) else { throw HTTPError(.badRequest, message: "type must be user, device or alarm") }
            query.type = kind
        }
        (query.from, query.to) = (try admin.instant(parameters["from"], "from"), try admin.instant(parameters["to"], "to"))
        (query.user, query.device, query.kind) = (parameters.text("user"), parameters.text("device"), parameters.text("kind"))
        query.limit = parameters.text("format") == "csv" ? AdminAPI.maxLimit : try admin.paging(parameters).0
        return query
    }

    func edit(_ id: String, _ change: VideoLedger.Change, by username: String) async throws -> (VideoDevice, created: Bool) {
        do {
            return try await VideoLedger(store: store).edit(id: id, change, by: username, channel: "api")
        } catch let invalid as VideoLedger.Invalid {
            throw HTTPError(.badRequest, message: invalid.description)
        }
    }
}

extension VideoDevice: ResponseEncodable {}
