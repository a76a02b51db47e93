import Foundation
import Hummingbird
import ParkGateModel
import ParkGateStore

/// Parking lots (T/CPMI) in the console: the parks with their live state (and, for
/// administrators, their accounts), their records, and each record with its pictures.
extension Console {
    func parkForm(_ t: [String: String], _ park: ParkRecord?) -> String {
        var fields: [[String: Any]] = []
        if park == nil { fields.append(textField("code", t["code"]!, "")) }
        fields += [
            textField("name", t["name"]!, park?.name ?? ""), textField("total", t["totalSpaces"]!, park.map { String($0.totalSpaces) } ?? ""),
            textField("account", t["username"]! + " (parkUserName)", park?.account ?? ""),
            textField("password", t["password"]! + " (parkUserPwd)", "", type: "password"),
            textField("secret", t["secret"]!, "", type: "password"),
            selectField("signature", t["signature"]!, (park?.signatureOn ?? true) ? "on" : "off", [("on", t["yes"]!), ("off", t["no"]!)]),
        ]
        return render("form", [
            "heading": park.map { "\(t["parks"]!) · \($0.code)" } ?? t["newPark"]!, "action": park.map { "/parks/\($0.code)" } ?? "/parks",
            "id": "park-form", "submit": park == nil ? t["create"]! : t["save"]!, "fields": fields,
        ])
    }

    func registerParkingPages(on pages: RouterGroup<AppRequestContext>) {
        pages.get("/parks") { request, context in
            try await guarded(request, context) {
                try context.require(.read)
                let t = words(request)
                let scope = context.scope
                let parks = try await store.parks().filter { scope?.parks.contains($0.code) ?? true }
                var table = ConsoleTable(
                    title: t["parks"]!, active: "parks", filters: [],
                    columns: [t["code"]!, t["name"]!, t["totalSpaces"]!, t["emptySpaces"]!, t["inside"]!, t["online"]!, t["weather"]!, t["lastHeartbeat"]!,
                              t["username"]!, t["signature"]!])
                table.total = parks.count
                if context.user?.parsedRole?.allows(.manageParks) == true { table.after = parkForm(t, nil) }
                let mayEdit = context.user?.parsedRole?.allows(.manageParks) == true
                table.rows = parks.map { park in
                    ([.init(text: park.code, href: mayEdit ? "/parks/\(park.code)" : "/parking-records?parkCode=\(park.code)"), .init(text: park.name),
                      .init(text: String(park.totalSpaces)),
                      .init(text: park.emptySpaces.map(String.init) ?? ""), .init(text: park.vehiclesInside.map(String.init) ?? ""),
                      .init(text: park.online ? t["yes"]! : t["no"]!), .init(text: [park.weather, park.situation].compactMap { $0 }.joined(separator: " ")),
                      .init(text: stamp(park.lastHeartbeat)), .init(text: park.account), .init(text: park.signatureOn ? t["yes"]! : t["no"]!)], [])
                }
                return render(table, request, context)
            }
        }
        pages.get("/parks/{code}") { request, context in
            try await guarded(request, context) {
                try context.require(.manageParks)
                let t = words(request)
                let code = try context.parameters.require("code")
                guard let park = try await store.park(code: code) else { throw HTTPError(.notFound, message: "no park \(code)") }
                let facilities = try await store.facilities(parkCode: code).map { "\($0.kind) \($0.code) \($0.name ?? "") \($0.linked.map { $0 ? "●" : "○" } ?? "")" }
                let synced = try await store.syncEntries(parkCode: code, interface: nil).map { entry in
                    "[\(entry.interface)] \(entry.key) " + entry.data.sorted { $0.key < $1.key }.filter { !$0.value.isEmpty }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                }
                return page(request, context, title: "\(t["parks"]!) · \(code)", active: "parks", template: "detail", [
                    "fields": [["label": t["parkRecords"]!, "value": t["parkRecords"]!, "href": "/parking-records?parkCode=\(code)"]],
                    "sections": [["heading": "", "html": parkForm(t, park)], ["heading": t["facilities"]!, "pre": facilities.joined(separator: "\n")],
                                 ["heading": t["synced"]!, "pre": synced.joined(separator: "\n")]],
                ])
            }
        }
        for path in ["/parks", "/parks/{code}"] {
            pages.post(RouterPath(path)) { request, context in
                try await guarded(request, context) {
                    let user = try context.require(.manageParks)
                    let form = try await formFields(request, context)
                    let code = context.parameters.get("code") ?? form["code"] ?? ""
                    let before = try await store.park(code: code)
                    if path == "/parks", before != nil { throw HTTPError(.conflict, message: "park \(code) exists") }
                    do {
                        let saved = try await Parks(store: store).save(
                            code: code, name: form["name"].flatMap { $0.isEmpty ? nil : $0 }, total: form["total"].flatMap { Int($0) },
                            account: form["account"].flatMap { $0.isEmpty ? nil : $0 }, password: form["password"], secret: form["secret"],
                            signatureOn: form["signature"].map { $0 == "on" })
                        try await audit.record(user.username, before == nil ? "park.create" : "park.save", target: "park:\(code)", before: before,
                                               after: saved, channel: "console")
                    } catch let error as Parks.Invalid {
                        throw HTTPError(.badRequest, message: error.description)
                    }
                    return redirect("/parks")
                }
            }
        }
        pages.get("/members") { request, context in
            try await guarded(request, context) {
                try context.require(.manageMembers)
                let t = words(request)
                var table = ConsoleTable(title: t["members"]!, active: "members", filters: [], columns: [t["plate"]!, t["autoPay"]!, t["name"]!, t["phone"]!])
                table.rows = try await store.members().map { member in
                    ([.init(text: member.plate), .init(text: member.autoPay ? t["yes"]! : t["no"]!), .init(text: member.name ?? ""), .init(text: member.phone ?? "")],
                     [.init(path: "/members/\(Self.pathComponent(member.plate))/delete", label: t["delete"]!, name: "delete")])
                }
                table.after = render("form", [
                    "heading": t["members"]!, "action": "/members", "id": "member-form", "submit": t["save"]!,
                    "fields": [textField("plate", t["plate"]!, ""), textField("name", t["name"]!, ""), textField("phone", t["phone"]!, ""),
                               selectField("autoPay", t["autoPay"]!, "on", [("on", t["yes"]!), ("off", t["no"]!)])],
                ])
                return render(table, request, context)
            }
        }
        pages.post("/members") { request, context in
            try await guarded(request, context) {
                let user = try context.require(.manageMembers)
                let form = try await formFields(request, context)
                guard let plate = Plates.normalised(form["plate"] ?? "") else { throw HTTPError(.badRequest, message: "a plate is required") }
                let before = try await store.member(plate: plate)
                let member = MemberRecord(
                    plate: plate, name: form["name"].flatMap { $0.isEmpty ? nil : $0 } ?? before?.name,
                    phone: form["phone"].flatMap { $0.isEmpty ? nil : $0 } ?? before?.phone, autoPay: form["autoPay"] == "on",
                    createdAt: before?.createdAt ?? Date(), updatedAt: Date())
                try await Members(store: store, commands: commands).save(member, by: user.username)
                try await audit.record(user.username, "member.save", target: "member:\(plate)", before: before, after: member, channel: "console")
                return redirect("/members")
            }
        }
        pages.get("/reconciliations") { request, context in
            try await guarded(request, context) {
                try context.require(.read)
                let t = words(request)
                let scope = context.scope
                let days = try await store.reconciliations(parkCode: request.uri.queryParameters.text("parkCode"))
                    .filter { scope?.parks.contains($0.parkCode) ?? true }
                var table = ConsoleTable(
                    title: t["reconciliations"]!, active: "reconciliations", filters: [.init(name: "parkCode", label: t["park"]!)],
                    columns: [t["park"]!, t["day"]!, t["matches"]!, t["count"]! + " (" + t["lot"]! + "/ParkGate/Δ)",
                              t["due"]! + " (" + t["lot"]! + "/ParkGate/Δ)", t["paid"]! + " (" + t["lot"]! + "/ParkGate/Δ)",
                              t["discount"]! + " (" + t["lot"]! + "/ParkGate/Δ)"])
                table.rows = days.map { day in
                    ([.init(text: day.parkCode), .init(text: day.day), .init(text: day.matches ? t["yes"]! : t["no"]!),
                      .init(text: "\(day.reported.count) / \(day.ours.count) / \(day.difference.count)"),
                      .init(text: "\(day.reported.payMoney) / \(day.ours.payMoney) / \(day.difference.payMoney)"),
                      .init(text: "\(day.reported.incomeMoney) / \(day.ours.incomeMoney) / \(day.difference.incomeMoney)"),
                      .init(text: "\(day.reported.discountMoney) / \(day.ours.discountMoney) / \(day.difference.discountMoney)")], [])
                }
                return render(table, request, context)
            }
        }
        pages.get("/settlements") { request, context in
            try await guarded(request, context) {
                try context.require(.read)
                let t = words(request)
                let scope = context.scope
                let rows = try await store.settlements(parkCode: request.uri.queryParameters.text("parkCode"))
                    .filter { scope?.parks.contains($0.parkCode) ?? true }
                var table = ConsoleTable(
                    title: t["settlements"]!, active: "settlements", filters: [.init(name: "parkCode", label: t["park"]!)],
                    columns: [t["park"]!, t["username"]!, t["exit"]!, t["from"]!, t["to"]!, t["cash"]!, t["coupons"]!, t["received"]!])
                table.rows = rows.map { row in
                    ([.init(text: row.parkCode), .init(text: "\(row.userName ?? "") \(row.userId ?? "")"), .init(text: row.outCross ?? ""),
                      .init(text: stamp(row.start)), .init(text: stamp(row.end)), .init(text: "\(row.cashCount) · \(row.cashSum)"),
                      .init(text: "\(row.couponCount) · \(row.couponSum)"), .init(text: stamp(row.receivedAt))], [])
                }
                return render(table, request, context)
            }
        }
        pages.get("/parking-records") { request, context in
            try await guarded(request, context) {
                try context.require(.read)
                let t = words(request)
                let query = request.uri.queryParameters
                let scope = context.scope
                let limit = query.text("format") == "csv" ? 100_000 : 500
                let records = try await store.parkingRecords(
                    parkCode: query.text("parkCode"), status: query.text("status"), plate: query.text("plate"), limit: limit, before: nil)
                    .filter { scope?.parks.contains($0.parkCode) ?? true }
                var table = ConsoleTable(
                    title: t["parkRecords"]!, active: "parkRecords",
                    filters: [.init(name: "parkCode", label: t["park"]!), .init(name: "plate", label: t["plate"]!, size: 9),
                              .init(name: "status", label: t["status"]!, options: [("", t["all"]!), ("inside", t["inside"]!), ("exited", t["exited"]!)])],
                    columns: [t["park"]!, t["recordCode"]!, t["plate"]!, t["entry"]!, t["exit"]!, t["duration"]!, t["income"]!, t["payment"]!, t["status"]!])
                table.total = records.count
                table.rows = records.map { record in
                    ([.init(text: record.parkCode), .init(text: record.recordCode, href: "/parking-records/\(record.parkCode)/\(record.recordCode)"),
                      .init(text: record.plate), .init(text: stamp(record.inTime)), .init(text: stamp(record.outTime)),
                      .init(text: record.parkMinutes.map(String.init) ?? ""), .init(text: record.incomeMoney ?? ""),
                      .init(text: record.paymentMode.flatMap(PaymentMode.init(rawValue:))?.label ?? record.paymentMode ?? ""),
                      .init(text: record.status == "inside" ? t["inside"]! : t["exited"]!)], [])
                }
                return render(table, request, context)
            }
        }
        pages.get("/parking-records/{park}/{record}") { request, context in
            try await guarded(request, context) {
                try context.require(.read)
                let t = words(request)
                let park = try context.parameters.require("park"), code = try context.parameters.require("record")
                try context.requireVisible(parkCode: park, vendor: nil, devCode: nil, what: "record")
                guard let record = try await store.parkingRecord(parkCode: park, recordCode: code) else {
                    throw HTTPError(.notFound, message: "no record \(code) in park \(park)")
                }
                let images = try await store.parkingImages(parkCode: park, recordCode: code)
                let fields: [[String: Any]] = [
                    ["label": t["park"]!, "value": record.parkCode], ["label": t["recordCode"]!, "value": record.recordCode],
                    ["label": t["plate"]!, "value": record.plate], ["label": t["entryPlate"]!, "value": record.entryPlate ?? ""],
                    ["label": t["entry"]!, "value": "\(stamp(record.inTime)) \(record.inCross ?? "")"],
                    ["label": t["exit"]!, "value": "\(stamp(record.outTime)) \(record.outCross ?? "")"],
                    ["label": t["duration"]!, "value": record.parkMinutes.map(String.init) ?? ""],
                    ["label": t["income"]!, "value": "\(record.incomeMoney ?? "") / \(record.payMoney ?? "") (−\(record.discountMoney ?? ""))"],
                    ["label": t["payment"]!, "value": record.paymentMode.flatMap(PaymentMode.init(rawValue:))?.label ?? ""],
                    ["label": t["corrections"]!, "value": String(record.corrections)],
                    ["label": t["status"]!, "value": record.status == "inside" ? t["inside"]! : t["exited"]!],
                ]
                // The pictures are ParkGate's own files: shown, not linked elsewhere.
                let pictures = images.map { image -> String in
                    let label = image.imageType.flatMap(ParkingImageType.init(rawValue:))?.label ?? image.imageCode
                    return "<figure><img src=\"/api/v1/blobs/\(SVGCharts.escape(image.blob))\" alt=\"\(SVGCharts.escape(label))\" style=\"max-width:420px;max-height:300px\"><figcaption>\(SVGCharts.escape(label)) · \(SVGCharts.escape(image.imageCode))</figcaption></figure>"
                }.joined()
                return page(request, context, title: "\(t["parkRecords"]!) · \(code)", active: "parkRecords", template: "detail", [
                    "fields": fields,
                    "sections": [["heading": t["images"]!, "html": images.isEmpty ? "<p class=\"empty\">\(t["nothing"]!)</p>" : "<div class=\"pictures\">\(pictures)</div>"]],
                ])
            }
        }
    }
}
