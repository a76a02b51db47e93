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
        pages.get("/henan/passages") { request, context in
            try await guarded(request, context) {
                try context.requireUnscoped(.read)
                let t = words(request)
                let enterprise = request.uri.queryParameters.text("enterprise")
                let passages = try await store.henanPassages(enterprise: enterprise, limit: 500)
                var photos: [String: [HenanPhoto]] = [:]
                for passage in passages.prefix(100) { photos[passage.lsh] = try await store.henanPhotos(lsh: passage.lsh, limit: 4) }
                let goods = Dictionary(grouping: try await store.henanGoods(enterprise: enterprise, limit: 2000), by: \.lsh)
                var table = ConsoleTable(
                    title: t["henanPassages"]!, active: "henanPassages", filters: [.init(name: "enterprise", label: t["enterprise"]!)],
                    columns: [t["serial"]!, t["enterprise"]!, t["gate"]!, t["plate"]!, t["direction"]!, t["passedAt"]!, t["barrier"]!, t["controlDecision"]!,
                              t["goods"]!, t["images"]!])
                table.rows = passages.map { p in
                    let pictures = photos[p.lsh] ?? []
                    return ([.init(text: p.lsh), .init(text: p.enterpriseName.map { "\(p.enterprise) \($0)" } ?? p.enterprise), .init(text: p.gate),
                             .init(text: "\(p.license)（\(HenanPlateColor(code: p.licenseColor)?.label ?? p.licenseColor)）"),
                             .init(text: p.entering ? t["directionIn"]! : t["directionOut"]!), .init(text: stamp(p.passedFrom)),
                             .init(text: p.barrierLifted ? t["barrierLifted"]! : t["barrierDown"]!),
                             .init(text: p.isControl ? "\(t["controlled"]!)：\(p.controlReason)" : t["notControlled"]!),
                             .init(text: (goods[p.lsh] ?? []).map { "\($0.goods) \($0.tons) 吨" }.joined(separator: "；")),
                             .init(text: pictures.isEmpty ? "" : "\(pictures.count)", href: pictures.first.map { "/api/v1/blobs/\($0.blob)" })], [])
                }
                return render(table, request, context)
            }
        }
        pages.get("/henan/relay") { request, context in
            try await guarded(request, context) {
                try context.requireUnscoped(.read)
                let t = words(request)
                let mayRetry = context.user?.parsedRole?.allows(.operate) == true
                let backlog = try await store.henanRelayBacklog()
                var table = ConsoleTable(
                    title: t["henanRelay"]!, active: "henanRelay", filters: [],
                    columns: [t["relayMethod"]!, t["relayPending"]!, t["relaySent"]!, t["relayRefused"]!, t["relayOldest"]!, t["relayLastError"]!])
                table.total = backlog.count
                table.rows = backlog.map { b in
                    let actions: [ConsoleTable.Action] = mayRetry && b.refused > 0 ? [.init(path: "/henan/relay/\(b.method)/retry", label: t["relayRetry"]!, name: "retry")] : []
                    return ([.init(text: b.method), .init(text: String(b.pending)), .init(text: String(b.sent)), .init(text: String(b.refused)),
                             .init(text: b.oldestPending.map(stamp) ?? ""), .init(text: b.lastError ?? "")], actions)
                }
                return render(table, request, context)
            }
        }
        pages.post("/henan/relay/{method}/retry") { request, context in
            try await guarded(request, context) {
                let user = try context.requireUnscoped(.operate)
                let method = try context.parameters.require("method")
                let count = try await store.retryHenanRelay(method: method, now: Date())
                try await audit.record(user.username, "henan-relay.retry", target: "henan-relay:\(method)", after: ["retried": count], channel: "console")
                return redirect("/henan/relay")
            }
        }
        pages.get("/henan/province") { request, context in
            try await guarded(request, context) {
                try context.requireUnscoped(.read)
                let t = words(request)
                let companies = try await store.henanProvinceCompanies(city: request.uri.queryParameters.text("city"))
                let gates = Dictionary(grouping: try await store.henanProvinceGates(company: nil, secret: nil), by: \.company)
                var passages: [String: Int] = [:]
                for company in companies {
                    passages[company.code] = try await store.henanProvinceRecordCount(
                        method: "SendEnterExitDataEx", company: company.code, from: .distantPast, to: .distantFuture)
                }
                var table = ConsoleTable(
                    title: t["henanProvince"]!, active: "henanProvince", filters: [.init(name: "city", label: t["city"]!)],
                    columns: [t["code"]!, t["city"]!, t["name"]!, t["industry"]!, t["companyControlType"]!, t["gates"]!, t["passagesReceived"]!, t["updated"]!])
                table.total = companies.count
                table.rows = companies.map { c in
                    ([.init(text: c.code), .init(text: "\(c.city) \(HenanNumbering.organisationName(c.city) ?? "")"), .init(text: c.fields["companyName"] ?? ""),
                      .init(text: c.fields["industryType"].map { "\($0) \(HenanIndustry.name(of: $0) ?? "")" } ?? ""),
                      .init(text: c.fields["controlType"].flatMap { HenanCompanyControlType(code: $0)?.label } ?? ""),
                      .init(text: (gates[c.code] ?? []).map { "\($0.code)\($0.fields["gateStatus"] == "2" ? "（断网）" : "")" }.joined(separator: "；")),
                      .init(text: String(passages[c.code] ?? 0)), .init(text: stamp(c.updatedAt))], [])
                }
                return render(table, request, context)
            }
        }
        pages.get("/henan/province/reports") { request, context in
            try await guarded(request, context) {
                try context.requireUnscoped(.read)
                let t = words(request)
                let reports = ["SendEnterExitDataEx", "SendGoodsRecordData", "SendDayDataCity", "SendDayDataDistrict", "GateStatusReport", "SeasonalControlReport",
                               "CheckFeedbackReport"]
                let method = request.uri.queryParameters.text("method") ?? "SendDayDataCity"
                guard reports.contains(method) else { throw HTTPError(.badRequest, message: "method must be one of \(reports.joined(separator: ", "))") }
                let records = try await store.henanProvinceRecords(method: method, city: request.uri.queryParameters.text("city"), limit: 500)
                var table = ConsoleTable(
                    title: t["henanProvinceReports"]!, active: "henanProvinceReports",
                    filters: [.init(name: "method", label: t["relayMethod"]!), .init(name: "city", label: t["city"]!)],
                    columns: [t["relayMethod"]!, t["reportKey"]!, t["city"]!, t["enterprise"]!, t["fields"]!, t["received"]!])
                table.rows = records.map { r in
                    let fields = r.fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                    return ([.init(text: r.method), .init(text: r.item), .init(text: r.city), .init(text: r.company ?? ""), .init(text: fields),
                             .init(text: stamp(r.receivedAt))], [])
                }
                return render(table, request, context)
            }
        }
        pages.get("/henan/province/fences") { request, context in
            try await guarded(request, context) {
                try context.requireUnscoped(.read)
                let t = words(request)
                let fences = try await store.henanFences(city: request.uri.queryParameters.text("city"))
                var table = ConsoleTable(
                    title: t["henanFences"]!, active: "henanFences", filters: [.init(name: "city", label: t["city"]!)],
                    columns: [t["code"]!, t["city"]!, t["name"]!, t["points"]!, t["fenceArea"]!, t["updated"]!])
                table.total = fences.count
                table.rows = fences.map { f in
                    let points = (try? Fence.parse(f.area).get().points.count).map(String.init) ?? "?"
                    return ([.init(text: f.id), .init(text: "\(f.city) \(HenanNumbering.organisationName(f.city) ?? "")"), .init(text: f.name), .init(text: points),
                             .init(text: f.area), .init(text: stamp(f.updatedAt))], [])
                }
                return render(table, request, context)
            }
        }
}
}
