import Dispatch
import HTTPTypes
import Hummingbird
import Metrics
import Synchronization

/// Request metrics under the names and dimensions of Hummingbird's `MetricsMiddleware`
/// (`hb.requests`, `http.server.request.duration`, `hb.request.errors`,
/// `http.server.active_requests`), recorded when the handler has its response ready.
///
/// Hummingbird's middleware records after the body is written, by wrapping the body in a
/// closure; a closure body is written part by part (head, body, end), each part flushed on its
/// own, so every answer went out in two `write` system calls and two TCP segments instead of one
/// `writev` (measured with `strace -c` on `/park/msensor`). All of ParkGate's answers are whole
/// buffers, so the time until the response is ready is the time of the request.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    private let cache = RequestMetricsCache()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let active = cache.active(request.method)
        active.increment()
        defer { active.decrement() }
        do {
            let response = try await next(request, context)
            let metrics = cache.endpoint(.init(route: context.endpointPath ?? "Unknown", method: request.method, status: response.status))
            metrics.requests.increment()
            metrics.duration.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start))
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let metrics = cache.endpoint(.init(route: context.endpointPath ?? "NotFound", method: request.method, status: status))
            metrics.requests.increment()
            metrics.errors.increment()
            throw error
        }
    }
}

/// The metric objects per method and per (route, method, status), made once: a metrics
/// factory's own lookup by label and dimensions costs more than a dictionary of them.
final class RequestMetricsCache: Sendable {
    struct Key: Hashable {
        let route: String
        let method: HTTPRequest.Method
        let status: HTTPResponse.Status
    }

    struct Endpoint: Sendable {
        let requests: Counter
        let duration: Metrics.Timer
        let errors: Counter

        init(_ key: Key) {
            let dimensions = [
                ("http.route", key.route), ("http.request.method", key.method.rawValue),
                ("http.response.status_code", String(key.status.code)),
            ]
            requests = Counter(label: "hb.requests", dimensions: dimensions)
            duration = Metrics.Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds)
            errors = Counter(
                label: "hb.request.errors",
                dimensions: [("http.route", key.route), ("http.request.method", key.method.rawValue), ("error.type", String(key.status.code))])
        }
    }

    private let methods = Mutex<[HTTPRequest.Method: Meter]>([:])
    private let endpoints = Mutex<[Key: Endpoint]>([:])

    func active(_ method: HTTPRequest.Method) -> Meter {
        methods.withLock { methods in
            if let meter = methods[method] { return meter }
            let meter = Meter(label: "http.server.active_requests", dimensions: [("http.request.method", method.rawValue)])
            methods[method] = meter
            return meter
        }
    }

    func endpoint(_ key: Key) -> Endpoint {
        endpoints.withLock { endpoints in
            if let metrics = endpoints[key] { return metrics }
            let metrics = Endpoint(key)
            endpoints[key] = metrics
            return metrics
        }
    }
}
