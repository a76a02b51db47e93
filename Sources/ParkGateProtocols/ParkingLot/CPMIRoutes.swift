import Hummingbird

extension CPMIGateway {
    /// `POST /cpmi`.
    public func register<Context: RequestContext>(on router: Router<Context>, bodyLimit: Int) {
        router.post("/cpmi") { request, _ -> Response in
            try await HTTPExchange.respond(to: request, limit: bodyLimit) { body in
                HTTPExchange.json(await handle(contentType: request.headers[.contentType], body: body))
            }
        }
    }
}
