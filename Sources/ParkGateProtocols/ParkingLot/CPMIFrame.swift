import Logging
import NIOCore
import ParkGateModel

/// T/CPMI downlink packets on a NIO channel (the framing itself is `CPMIFraming`).
public enum CPMIFrame {
    public static let defaultLimit = CPMIFraming.defaultLimit

    public static func encode(_ json: String) -> ByteBuffer {
        ByteBuffer(string: CPMIFraming.packet(json))
    }

    public struct FrameTooLarge: Error, CustomStringConvertible {
        public let limit: Int
        public var description: String { "a packet longer than \(limit) bytes without its ## end" }
    }
}

/// Cuts the byte stream into packets (the JSON between `$$` and `##`), surviving split and
/// merged TCP segments. Bytes outside packets are dropped and counted; a `$$` before the
/// current packet's `##` starts over there (the torn packet is dropped); a packet longer than
/// the limit fails the channel, which closes it.
public final class CPMIFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    let limit: Int
    /// Bytes dropped outside packets and torn packets, for the connection's log.
    public private(set) var skippedBytes = 0
    public private(set) var tornPackets = 0
    /// How far the current packet has been searched for its end.
    private var searched = 0

    /// Where the counts go when the connection ends (nil: nowhere).
    let logger: Logger?

    public init(limit: Int = CPMIFrame.defaultLimit, logger: Logger? = nil) { (self.limit, self.logger) = (limit, logger) }

    public func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        switch CPMIFraming.scan(view, searched: searched, limit: limit) {
        case .skip(let count, let torn):
            skippedBytes += count
            if torn { tornPackets += 1 }
            buffer.moveReaderIndex(forwardBy: count)
            searched = 0
            return .continue
        case .packet(let body, let consumed):
            let packet = buffer.getSlice(at: buffer.readerIndex + body.lowerBound, length: body.count)!
            buffer.moveReaderIndex(forwardBy: consumed)
            searched = 0
            context.fireChannelRead(Self.wrapInboundOut(packet))
            return .continue
        case .needMore(let searched):
            self.searched = searched
            return .needMoreData
        case .tooLarge:
            throw CPMIFrame.FrameTooLarge(limit: limit)
        }
    }

    public func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        skippedBytes += buffer.readableBytes
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        if skippedBytes > 0 || tornPackets > 0, let logger {
            logger.notice("T/CPMI downlink: bytes outside packets were dropped", metadata: [
                "remote": "\(context.remoteAddress?.description ?? "?")", "skippedBytes": "\(skippedBytes)", "tornPackets": "\(tornPackets)",
            ])
        }
        return .needMoreData
    }
}
