import Hummingbird
import ParkGateStore

/// The request context of every route: Hummingbird's core storage plus the signed-in user.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var user: UserRecord?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }
}

/// `/api/v1` requires `Authorization: Bearer <token>` from `POST /api/v1/login`.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let accounts: Accounts

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The bearer header, or the console's session cookie (the console's pages call the API too).
        let bearer = request.headers[.authorization].flatMap { $0.lowercased().hasPrefix("bearer ") ? String($0.dropFirst(7)) : nil }
        guard let token = bearer ?? request.cookies[Console.cookie]?.value,
            let user = try await accounts.authenticate(token: token.trimmingCharacters(in: .whitespaces))
        else {
            throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer"], message: "sign in with POST /api/v1/login")
        }
        var context = context
        context.user = user
        return try await next(request, context)
    }
}
