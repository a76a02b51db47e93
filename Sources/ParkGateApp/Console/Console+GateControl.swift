import Foundation
import Hummingbird
import ParkGateModel
import ParkGateStore

/// The Henan gate-control registry in the console: enterprises with their gates, the control
/// projects (closed from here), and the vehicles filed through `shareVehInfo`.
extension Console {
    func registerGateControlPages(on pages: RouterGroup<AppRequestContext>) {
        pages.get("/henan/enterprises") { request, context in
            try await guarded(request, context) {
                try context.require(.read)
                let t = words(request)
                let gates = Dictionary(grouping: try await store.henanGates(enterprise: nil), by: \.enterprise)
                let enterprises = try await store.henanEnterprises()
                var table = ConsoleTable(
                    title: t["henanEnterprises"]!, active: "henanEnterprises", filters: [],
                    columns: [t["code"]!, t["name"]!, t["industry"]!, t["subIndustry"]!, t["companyControlType"]!, t["gates"]!, t["updated"]!])
                table.total = enterprises.count
                table.rows = enterprises.map { e in
                    let subName = e.subIndustry.flatMap { sub in HenanIndustry.all.first { $0.subIndustry == sub }?.subName }
                    return ([.init(text: e.code), .init(text: e.name), .init(text: e.industry.map { "\($0) \(HenanIndustry.name(of: $0) ?? "")" } ?? ""),
                             .init(text: e.subIndustry.map { "\($0) \(subName ?? "")" } ?? ""),
                             .init(text: e.controlType.flatMap { HenanCompanyControlType(code: $0)?.label } ?? ""),
                             .init(text: (gates[e.code] ?? []).map { "\($0.code) \(HenanGateDirection(code: $0.type)?.label ?? $0.type)" }.joined(separator: "；")),
                             .init(text: stamp(e.updatedAt))], [])
                }
                return render(table, request, context)
            }
        }
        pages.get("/henan/projects") { request, context in
            try await guarded(request, context) {
                try context.require(.read)
                let t = words(request)
                let now = Date()
                let mayClose = context.user?.parsedRole?.allows(.manageParks) == true
                let projects = try await store.henanProjects()
                var table = ConsoleTable(
                    title: t["henanProjects"]!, active: "henanProjects", filters: [],
                    columns: [t["code"]!, t["name"]!, t["level"]!, t["controlArea"]!, t["controlStrategy"]!, t["covers"]!, t["from"]!, t["to"]!, t["status"]!])
                table.total = projects.count
                table.rows = projects.map { p in
                    let inForce = ControlEngine.Project(p)?.inForce(at: now) ?? false
                    let covers = [p.industries.map { HenanIndustry.name(of: $0) ?? $0 }.joined(separator: "、"),
                                  p.companyTypes.compactMap { HenanCompanyControlType(code: $0)?.label }.joined(separator: "、")].filter { !$0.isEmpty }
                    let actions: [ConsoleTable.Action] = mayClose && p.closedAt == nil ? [.init(path: "/henan/projects/\(p.code)/close", label: t["close"]!, name: "close")] : []
                    return ([.init(text: p.code), .init(text: p.name), .init(text: HenanControlLevel(code: p.level)?.label ?? p.level),
                             .init(text: HenanControlArea(code: p.area)?.label ?? p.area), .init(text: HenanControlStrategy(code: p.strategy)?.label ?? p.strategy),
                             .init(text: covers.joined(separator: " / ")), .init(text: stamp(p.start)), .init(text: stamp(p.closedAt ?? p.end)),
                             .init(text: p.closedAt != nil ? t["projectClosed"]! : inForce ? t["projectInForce"]! : t["projectNotInForce"]!)], actions)
                }
                return render(table, request, context)
            }
        }
        pages.post("/henan/projects/{code}/close") { request, context in
            try await guarded(request, context) {
                let user = try context.require(.manageParks)
                let code = try context.parameters.require("code")
                do {
                    let closed = try await HenanProjectBook(store: store).close(code: code)
                    try await audit.record(user.username, "control-project.close", target: "control-project:\(code)", after: closed, channel: "console")
                } catch let invalid as HenanProjectBook.Invalid {
                    throw HTTPError(.badRequest, message: invalid.description)
                }
                return redirect("/henan/projects")
            }
        }
        pages.get("/henan/vehicles") { request, context in
            try await guarded(request, context) {
                try context.require(.read)
                let t = words(request)
                let plate = request.uri.queryParameters.text("plate")
                let vehicles = try await store.henanVehicles(plate: plate, limit: 500)
                var table = ConsoleTable(
                    title: t["henanVehicles"]!, active: "henanVehicles", filters: [.init(name: "plate", label: t["plate"]!)],
                    columns: [t["plate"]!, t["plateColor"]!, t["vehicleType"]!, t["emissionStage"]!, t["fuel"]!, t["owner"]!, t["filedBy"]!, t["images"]!, t["updated"]!])
                table.rows = vehicles.map { v in
                    let images = [v.drivingLicenseImage, v.vehicleListImage].compactMap { $0 }
                    return ([.init(text: v.license), .init(text: HenanPlateColor(code: v.licenseColor)?.label ?? v.licenseColor),
                             .init(text: v.vehicleType.flatMap { HenanVehicleType(code: $0)?.label } ?? v.vehicleType ?? ""),
                             .init(text: v.emissionStandard.flatMap { HenanEmissionStage(code: $0)?.label } ?? ""),
                             .init(text: v.fuelType.flatMap { HenanFuelType(code: $0)?.label } ?? ""), .init(text: v.owner ?? ""), .init(text: v.filedBy),
                             .init(text: images.isEmpty ? "" : "\(images.count)", href: images.first.map { "/api/v1/blobs/\($0)" }), .init(text: stamp(v.updatedAt))], [])
                }
                return render(table, request, context)
            }
        }
    }
}
