import Hummingbird
import NIOCore

/// Reading request bodies under the configured size limit, shared by every protocol.
public enum HTTPExchange {
    public struct TooLarge: Error {}

    /// The whole body, or `TooLarge` as soon as the declared or received size passes `limit`
    /// (the rest is not read; the answer closes the connection).
    public static func read(_ request: Request, limit: Int) async throws -> [UInt8] {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw TooLarge()
        }
        do {
            var buffer = try await request.body.collect(upTo: limit)
            return buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch is NIOTooManyBytesError {
            throw TooLarge()
        }
    }

    /// Reads the body under `limit` and answers what `respond` makes of it; 413 past the limit.
    public static func respond(to request: Request, limit: Int, _ respond: ([UInt8]) async throws -> Response) async throws -> Response {
        let bytes: [UInt8]
        do {
            bytes = try await read(request, limit: limit)
        } catch is TooLarge {
            return tooLargeResponse(limit: limit)
        }
        return try await respond(bytes)
    }

    /// 413 with `Connection: close`; the connection guard closes the connection after it.
    public static func tooLargeResponse(limit: Int) -> Response {
        let text = "request body over the limit of \(limit) bytes\n"
        return Response(
            status: .contentTooLarge,
            headers: [.connection: "close", .contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// A JSON answer with status 200.
    public static func json(_ text: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
