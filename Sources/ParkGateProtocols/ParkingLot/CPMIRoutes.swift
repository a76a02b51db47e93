import Hummingbird

extension CPMIGateway {
    /// `POST /cpmi`.
    public func register<Context: RequestContext>(on router: Router<Context>, bodyLimit: Int) {
        router.post("/cpmi") { request, _ -> Response in
            let body: [UInt8]
            do {
                body = try await HTTPExchange.read(request, limit: bodyLimit)
            } catch is HTTPExchange.TooLarge {
                return HTTPExchange.tooLargeResponse(limit: bodyLimit)
            }
            return HTTPExchange.json(await handle(contentType: request.headers[.contentType], body: body))
        }
    }
}
