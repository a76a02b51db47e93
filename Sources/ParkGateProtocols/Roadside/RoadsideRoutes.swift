import Hummingbird

extension RoadsideGateway {
    /// `POST /park/{token,camera,hpcamera,msensor,alarm,deverror}`.
    public func register<Context: RequestContext>(on router: Router<Context>, bodyLimit: Int) {
        for endpoint in RoadsideEndpoint.allCases {
            router.post(RouterPath(endpoint.path)) { request, context -> Response in
                try await HTTPExchange.respond(to: request, limit: bodyLimit) { body in
                    HTTPExchange.json(await handle(endpoint, contentType: request.headers[.contentType], body: body, requestLogger: context.logger).json)
                }
            }
        }
    }
}
