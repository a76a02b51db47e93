import Hummingbird

extension RoadsideGateway {
    /// `POST /park/{token,camera,hpcamera,msensor,alarm,deverror}`.
    public func register<Context: RequestContext>(on router: Router<Context>, bodyLimit: Int) {
        for endpoint in RoadsideEndpoint.allCases {
            router.post(RouterPath(endpoint.path)) { request, context -> Response in
                let body: [UInt8]
                do {
                    body = try await HTTPExchange.read(request, limit: bodyLimit)
                } catch is HTTPExchange.TooLarge {
                    return HTTPExchange.tooLargeResponse(limit: bodyLimit)
                }
                let reply = await handle(endpoint, contentType: request.headers[.contentType], body: body, requestLogger: context.logger)
                return HTTPExchange.json(reply.json)
            }
        }
    }
}
