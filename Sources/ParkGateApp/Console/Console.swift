import Foundation
import Hummingbird
import Mustache
import ParkGateProtocols
import ParkGateModel
import ParkGateStore

/// The operator console at `/`: server-rendered pages (swift-mustache), SVG charts drawn on the
/// server, a little plain JavaScript, nothing loaded from elsewhere. It signs in with the same
/// accounts and tokens as `/api/v1` (a cookie holds the token) and obeys the same permissions.
struct Console: Sendable {
    let store: any Store
    let accounts: Accounts
    let time: ChinaTime
    let campaigns: Campaigns
    let library: MustacheLibrary
    /// The T/CPMI downlink (requests, connections, blacklist, members' fan-out).
    var commands: ParkCommands?
    var connections: CPMIConnections?
    /// `video.retentionDays`, shown on the captures page.
    var videoRetentionDays: Double = 30
    /// Settings the server ignored at start (misspelt names), shown to administrators on the dashboard.
    var ignoredSettings: [UnknownSetting] = []

    static let cookie = "parkgate_session"

    init(store: any Store, accounts: Accounts, time: ChinaTime, deviceSilence: Double, commands: ParkCommands? = nil,
         connections: CPMIConnections? = nil) throws {
        (self.commands, self.connections) = (commands, connections)
        self.store = store
        self.accounts = accounts
        self.time = time
        self.campaigns = Campaigns(store: store, time: time, silence: deviceSilence)
        var library = MustacheLibrary()
        for (name, text) in ConsoleTemplates.all { try library.register(text, named: name) }
        self.library = library
    }

    var api: AdminAPI { AdminAPI(store: store, accounts: accounts, time: time, commands: commands, connections: connections) }
    var audit: AuditLog { AuditLog(store: store) }

    func register(on router: Router<AppRequestContext>) {
        router.get("/static/console.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=300"],
                     body: .init(byteBuffer: ByteBuffer(string: ConsoleTemplates.css)))
        }
        router.get("/static/console.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "max-age=300"],
                     body: .init(byteBuffer: ByteBuffer(string: ConsoleTemplates.script)))
        }
        router.get("/login") { request, _ in
            html(render("login", base(request, user: nil, title: "").merging(["next": request.uri.queryParameters.text("next") ?? "/"]) { $1 }))
        }
        router.post("/login") { request, context in
            let form = try await formFields(request, context)
            let next = form["next"].flatMap { $0.hasPrefix("/") && !$0.hasPrefix("//") ? $0 : nil } ?? "/"
            let username = form["username"] ?? ""
            guard let token = try await accounts.login(username: username, password: form["password"] ?? "") else {
                try await audit.record(username, "login-failed", target: "user:\(username)", channel: "console")
                var context = base(request, user: nil, title: "")
                context["error"] = true
                context["next"] = next
                return html(render("login", context), status: .unauthorized)
            }
            try await audit.record(username, "login", target: "user:\(username)", channel: "console")
            var response = Response(status: .seeOther, headers: [.location: next])
            response.setCookie(Cookie(name: Self.cookie, value: token.token, maxAge: Int(Accounts.tokenLifetime), path: "/", httpOnly: true, sameSite: .strict))
            return response
        }
        router.post("/logout") { _, _ in
            var response = Response(status: .seeOther, headers: [.location: "/login"])
            response.setCookie(Cookie(name: Self.cookie, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict))
            return response
        }
        router.get("/lang") { request, _ in
            let language = request.uri.queryParameters.text("to") == "en" ? "en" : "zh"
            let back = request.headers[.referer].flatMap { URL(string: $0)?.path }.flatMap { $0.isEmpty ? nil : $0 } ?? "/"
            var response = Response(status: .seeOther, headers: [.location: back])
            response.setCookie(Cookie(name: "lang", value: language, maxAge: 365 * 86_400, path: "/", httpOnly: false, sameSite: .lax))
            return response
        }
        let pages = router.group().add(middleware: ConsoleAuthMiddleware(accounts: accounts, cookie: Self.cookie))
        registerRecordPages(on: pages)
        registerParkingPages(on: pages)
        registerDownlinkPages(on: pages)
        registerVideoPages(on: pages)
        registerVideoLedgerPages(on: pages)
        registerGateControlPages(on: pages)
        registerAdminPages(on: pages)
    }

    // MARK: Rendering

    func language(_ request: Request) -> ConsoleText.Language {
        ConsoleText.Language(rawValue: request.cookies["lang"]?.value ?? "") ?? .zh
    }

    func words(_ request: Request) -> [String: String] { ConsoleText.table(language(request)) }

    /// What every page's template gets: words, language, user, navigation.
    func base(_ request: Request, user: UserRecord?, title: String, active: String = "") -> [String: Any] {
        let language = language(request)
        let t = ConsoleText.table(language)
        var context: [String: Any] = [
            "t": t, "lang": language == .zh ? "zh-CN" : "en", "otherLang": language == .zh ? "en" : "zh", "title": title,
        ]
        if let user, let role = user.parsedRole {
            context["user"] = user.username
            context["roleLabel"] = language == .zh ? role.label.zh : role.label.en
            let items: [(String, String, Permission)] = [
                ("/", "dashboard", .read), ("/parks", "parks", .read), ("/parking-records", "parkRecords", .read),
                ("/reconciliations", "reconciliations", .read), ("/settlements", "settlements", .read), ("/members", "members", .manageMembers),
                ("/downlink", "downlink", .read), ("/blacklist", "blacklist", .read),
                ("/video/captures", "videoCaptures", .read), ("/video/devices", "videoDevices", .read), ("/video/availability", "videoAvailability", .read),
                ("/video/logs", "videoLogs", .read),
                ("/henan/enterprises", "henanEnterprises", .read), ("/henan/projects", "henanProjects", .read), ("/henan/vehicles", "henanVehicles", .read),
                ("/henan/passages", "henanPassages", .read), ("/henan/relay", "henanRelay", .read), ("/henan/province", "henanProvince", .read),
                ("/henan/province/reports", "henanProvinceReports", .read), ("/henan/province/fences", "henanFences", .read),
                ("/events", "events", .read), ("/berths", "berths", .read), ("/sessions", "sessions", .read),
                ("/alarms", "alarms", .read), ("/devices", "devices", .read), ("/vendors", "vendors", .read),
                ("/findings", "findings", .read), ("/campaigns", "campaigns", .read), ("/users", "users", .manageUsers),
                ("/audit", "audit", .readLogs),
            ]
            context["nav"] = items.filter { role.allows($0.2) }.map { item -> [String: Any] in
                ["href": item.0, "label": t[item.1] ?? item.1, "active": item.1 == active]
            }
        }
        return context
    }

    func render(_ template: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: template) ?? ""
    }

    /// A page inside the layout.
    func page(_ request: Request, _ context: AppRequestContext, title: String, active: String, template: String, _ values: [String: Any]) -> Response {
        var all = base(request, user: context.user, title: title, active: active)
        for (key, value) in values { all[key] = value }
        all["body"] = render(template, all)
        return html(render("layout", all))
    }

    func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Runs a page handler; errors become a page saying what was wrong, with the right status.
    func guarded(_ request: Request, _ context: AppRequestContext, _ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as HTTPError {
            let t = words(request)
            let title = error.status == .forbidden ? t["forbidden"]! : error.status == .notFound ? t["notFound"]! : "\(error.status.code)"
            var response = page(request, context, title: title, active: "", template: "message", ["text": error.body ?? ""])
            response.status = error.status
            return response
        }
    }

    func formFields(_ request: Request, _ context: AppRequestContext) async throws -> [String: String] {
        let body = try await request.body.collect(upTo: 8 << 20)
        var fields: [String: String] = [:]
        for pair in String(buffer: body).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            if let name = parts.first, fields[name] == nil { fields[name] = parts.count > 1 ? parts[1] : "" }
        }
        return fields
    }

    func redirect(_ location: String) -> Response { Response(status: .seeOther, headers: [.location: location]) }
}

/// Console pages need a signed-in user (the cookie); without one they go to the login page.
struct ConsoleAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let accounts: Accounts
    let cookie: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = request.cookies[cookie]?.value, !token.isEmpty, let user = try await accounts.authenticate(token: token) else {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "/-_.")
            let next = request.uri.path.addingPercentEncoding(withAllowedCharacters: allowed) ?? "/"
            return Response(status: .seeOther, headers: [.location: "/login?next=\(next)"])
        }
        // A form posted from another site is refused (the cookie is SameSite=Strict as well).
        if request.method == .post, let origin = request.headers[.origin], origin != "null",
            URL(string: origin)?.host != request.head.authority?.split(separator: ":").first.map(String.init) {
            return Response(status: .forbidden)
        }
        var context = context
        context.user = user
        return try await next(request, context)
    }
}
