import Foundation
import Hummingbird
import ParkGateModel
import ParkGateStore

/// Vendors and their keys, users and their roles, the user log, and test campaigns.
extension Console {
    func registerAdminPages(on pages: RouterGroup<AppRequestContext>) {
        pages.get("/vendors") { request, context in
            try await guarded(request, context) {
                try context.require(.read)
                let t = words(request)
                let scope = context.scope
                let mayEdit = context.user?.parsedRole?.allows(.manageVendors) == true
                let vendors = try await store.vendors().filter { scope?.vendors.contains($0.code) ?? true }
                var table = ConsoleTable(
                    title: t["vendors"]!, active: "vendors", filters: [],
                    columns: [t["code"]!, t["name"]!, t["category"]!, t["key"]!, t["rateLimit"]!, t["strict"]!])
                table.rows = vendors.map { vendor in
                    ([.init(text: vendor.code, href: mayEdit ? "/vendors/\(vendor.code)" : nil), .init(text: vendor.name),
                      .init(text: "\(vendor.category.label) \(vendor.category.rawValue)"),
                      .init(text: vendor.keyHash == nil ? t["keyMissing"]! : t["keySet"]!), .init(text: String(vendor.rateLimit)),
                      .init(text: vendor.strict ? t["yes"]! : t["no"]!)], [])
                }
                return render(table, request, context)
            }
        }
        pages.get("/vendors/{code}") { request, context in
            try await guarded(request, context) {
                try context.require(.manageVendors)
                let t = words(request)
                let code = try context.parameters.require("code")
                let vendor = try await store.vendor(code: code)
                let form = render("form", [
                    "heading": "\(t["vendor"]!) \(code)", "action": "/vendors/\(code)", "id": "vendor-form", "submit": t["save"]!,
                    "fields": [
                        textField("name", t["name"]!, vendor?.name ?? ""), textField("key", t["key"]!, "", type: "password"),
                        selectField("category", t["category"]!, vendor?.category.rawValue ?? "", DeviceCategory.allCases.map { ($0.rawValue, "\($0.label) \($0.rawValue)") }),
                        textField("rateLimit", t["rateLimit"]!, String(vendor?.rateLimit ?? 0)),
                        selectField("strict", t["strict"]!, (vendor?.strict ?? false) ? "true" : "false", [("false", t["no"]!), ("true", t["yes"]!)]),
                    ],
                ])
                return page(request, context, title: "\(t["vendor"]!) \(code)", active: "vendors", template: "detail",
                            ["fields": [], "sections": [["heading": "", "html": form]]])
            }
        }
        pages.post("/vendors/{code}") { request, context in
            try await guarded(request, context) {
                let user = try context.require(.manageVendors)
                let code = try context.parameters.require("code")
                let form = try await formFields(request, context)
                let before = try await store.vendor(code: code).map(VendorView.init)
                do {
                    let saved = try await Vendors(store: store).add(
                        code: code, key: form["key"].flatMap { $0.isEmpty ? nil : $0 }, category: form["category"].flatMap(DeviceCategory.init(rawValue:)),
                        name: form["name"].flatMap { $0.isEmpty ? nil : $0 }, rateLimit: form["rateLimit"].flatMap { Int($0) },
                        strict: form["strict"].map { $0 == "true" })
                    try await audit.record(user.username, "vendor.save", target: "vendor:\(code)", before: before, after: VendorView(saved), channel: "console")
                } catch let error as Vendors.Failure {
                    throw HTTPError(.badRequest, message: error.description)
                }
                return redirect("/vendors")
            }
        }
        pages.get("/users") { request, context in
            try await guarded(request, context) {
                try context.require(.manageUsers)
                let t = words(request)
                let language = language(request)
                var table = ConsoleTable(
                    title: t["users"]!, active: "users", filters: [], columns: [t["username"]!, t["role"]!, t["scope"]!, t["since"]!])
                table.rows = try await store.users().map { user in
                    ([.init(text: user.username, href: "/users/\(user.username)"),
                      .init(text: user.parsedRole.map { language == .zh ? $0.label.zh : $0.label.en } ?? user.role),
                      .init(text: user.scope.map(describe) ?? ""), .init(text: stamp(user.createdAt))], [])
                }
                table.after = userForm(t, nil)
                return render(table, request, context)
            }
        }
        pages.get("/users/{name}") { request, context in
            try await guarded(request, context) {
                try context.require(.manageUsers)
                let t = words(request)
                let name = try context.parameters.require("name")
                guard let user = try await store.user(named: name) else { throw HTTPError(.notFound, message: "no user \(name)") }
                let delete = "<form method=\"post\" action=\"/users/\(SVGCharts.escape(name))/delete\"><button id=\"delete-user\">\(t["delete"]!)</button></form>"
                return page(request, context, title: "\(t["users"]!) · \(name)", active: "users", template: "detail",
                            ["fields": [], "sections": [["heading": "", "html": userForm(t, user) + delete]]])
            }
        }
        pages.post("/users") { request, context in
            try await guarded(request, context) { try await saveUser(request, context, name: nil) }
        }
        pages.post("/users/{name}") { request, context in
            try await guarded(request, context) { try await saveUser(request, context, name: try context.parameters.require("name")) }
        }
        pages.post("/users/{name}/delete") { request, context in
            try await guarded(request, context) {
                let admin = try context.require(.manageUsers)
                let name = try context.parameters.require("name")
                guard name != admin.username else { throw HTTPError(.conflict, message: "you cannot delete yourself") }
                if let user = try await store.user(named: name), try await store.deleteUser(named: name) {
                    try await audit.record(admin.username, "user.delete", target: "user:\(name)", before: UserView(user), channel: "console")
                }
                return redirect("/users")
            }
        }
        pages.get("/audit") { request, context in
            try await guarded(request, context) {
                try context.require(.readLogs)
                let t = words(request)
                let query = request.uri.queryParameters
                var (limit, before) = try api.paging(query)
                if query.text("format") == "csv" { (limit, before) = (100_000, nil) }
                let page = try await store.audit(AuditQuery(
                    username: query.text("username"), action: query.text("action"), from: try api.instant(query["from"], "from"),
                    to: try api.instant(query["to"], "to"), limit: limit, before: before))
                var table = ConsoleTable(
                    title: t["audit"]!, active: "audit",
                    filters: [.init(name: "username", label: t["username"]!), .init(name: "action", label: t["action"]!),
                              .init(name: "from", label: t["from"]!, size: 14), .init(name: "to", label: t["to"]!, size: 14)],
                    columns: [t["time"]!, t["username"]!, t["action"]!, t["target"]!, t["before"]!, t["after"]!, t["channel"]!])
                table.rows = page.items.map { entry in
                    ([.init(text: stamp(entry.at)), .init(text: entry.username), .init(text: entry.action), .init(text: entry.target),
                      .init(text: entry.before ?? ""), .init(text: entry.after ?? ""), .init(text: entry.channel)], [])
                }
                table.nextCursor = page.nextCursor
                return render(table, request, context)
            }
        }
        registerCampaignPages(on: pages)
    }

    func describe(_ scope: RecordScope) -> String {
        [("parks", scope.parks), ("vendors", scope.vendors), ("devices", scope.devices), ("areas", scope.areas)].filter { !$0.1.isEmpty }
            .map { "\($0.0): \($0.1.joined(separator: ","))" }.joined(separator: "; ")
    }

    func textField(_ name: String, _ label: String, _ value: String, type: String = "text", help: String? = nil) -> [String: Any] {
        var field: [String: Any] = ["name": name, "label": label, "value": value, "type": type, "isText": true]
        if let help { field["help"] = help }
        return field
    }

    func areaField(_ name: String, _ label: String, _ value: String, help: String? = nil) -> [String: Any] {
        var field: [String: Any] = ["name": name, "label": label, "value": value, "isArea": true]
        if let help { field["help"] = help }
        return field
    }

    func selectField(_ name: String, _ label: String, _ value: String, _ options: [(String, String)]) -> [String: Any] {
        ["name": name, "label": label, "hasOptions": true, "options": options.map { ["value": $0.0, "label": $0.1, "selected": $0.0 == value] as [String: Any] }]
    }

    func userForm(_ t: [String: String], _ user: UserRecord?) -> String {
        var fields: [[String: Any]] = []
        if user == nil { fields.append(textField("username", t["username"]!, "")) }
        fields.append(textField("password", t["password"]!, "", type: "password", help: user == nil ? nil : "—"))
        fields.append(selectField("role", t["role"]!, user?.role ?? "operator", Role.allCases.map { ($0.rawValue, "\($0.label.zh) \($0.label.en)") }))
        fields.append(textField("parks", t["parks"]!, user?.scope?.parks.joined(separator: ",") ?? ""))
        fields.append(textField("vendors", t["vendors"]!, user?.scope?.vendors.joined(separator: ",") ?? ""))
        fields.append(textField("devices", t["devices"]!, user?.scope?.devices.joined(separator: ",") ?? ""))
        fields.append(textField("areas", t["videoAreas"]!, user?.scope?.areas.joined(separator: ",") ?? "", help: t["videoAreasHelp"]!))
        return render("form", [
            "heading": user.map { "\(t["users"]!) · \($0.username)" } ?? t["newUser"]!, "action": user.map { "/users/\($0.username)" } ?? "/users",
            "id": "user-form", "submit": user == nil ? t["create"]! : t["save"]!, "fields": fields,
        ])
    }

    func saveUser(_ request: Request, _ context: AppRequestContext, name: String?) async throws -> Response {
        let admin = try context.require(.manageUsers)
        let form = try await formFields(request, context)
        let username = name ?? form["username"] ?? ""
        func list(_ key: String) -> [String] { (form[key] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        let before = try await store.user(named: username)
        if name == nil, before != nil { throw HTTPError(.conflict, message: "user \(username) exists") }
        do {
            let saved = try await accounts.addUser(
                username: username, password: form["password"].flatMap { $0.isEmpty ? nil : $0 }, role: form["role"] ?? "",
                scope: RecordScope(parks: list("parks"), vendors: list("vendors"), devices: list("devices"), areas: list("areas")))
            try await audit.record(
                admin.username, before == nil ? "user.create" : "user.save", target: "user:\(username)", before: before.map(UserView.init),
                after: UserView(saved), channel: "console")
        } catch let error as Accounts.Failure {
            throw HTTPError(.badRequest, message: error.description)
        }
        return redirect("/users")
    }
}
