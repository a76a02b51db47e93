import Foundation

/// A baseline JPEG encoder (ITU-T T.81, JFIF 1.01): YCbCr without subsampling, the standard
/// quantisation tables of Annex K scaled by a quality as libjpeg does, and the standard Huffman
/// tables of Annex K.3. Enough for cameras that a simulator plays: real files any decoder reads,
/// made without an image library (none is on the machines this runs on).
public struct JPEGEncoder: Sendable {
    /// 1–100, as libjpeg's `-quality`.
    public var quality: Int

    public init(quality: Int = 85) {
        self.quality = min(max(quality, 1), 100)
    }

    /// Encodes `width`×`height` pixels given as packed RGB (3 bytes per pixel, rows top to
    /// bottom). `comment` goes into a COM segment (cameras write their capture id there too).
    public func encode(width: Int, height: Int, rgb: [UInt8], comment: String? = nil) -> [UInt8] {
        precondition(width > 0 && height > 0 && width < 65_536 && height < 65_536 && rgb.count == width * height * 3)
        let luma = Self.scaled(Self.lumaQuantisation, quality), chroma = Self.scaled(Self.chromaQuantisation, quality)
        var out: [UInt8] = [0xFF, 0xD8]
        out += [0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]
        if let comment {
            let bytes = Array(comment.utf8.prefix(65_000))
            out += [0xFF, 0xFE] + Self.big16(bytes.count + 2) + bytes
        }
        out += [0xFF, 0xDB] + Self.big16(2 + 2 * 65)
        for (id, table) in [luma, chroma].enumerated() {
            out.append(UInt8(id))
            out += Self.zigzag.map { UInt8(table[$0]) }
        }
        out += [0xFF, 0xC0] + Self.big16(17) + [8] + Self.big16(height) + Self.big16(width) + [3, 1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1]
        let tables = [(0x00, Self.dcLuma), (0x10, Self.acLuma), (0x01, Self.dcChroma), (0x11, Self.acChroma)]
        out += [0xFF, 0xC4] + Self.big16(2 + tables.reduce(0) { $0 + 17 + $1.1.values.count })
        for (classAndId, table) in tables {
            out.append(UInt8(classAndId))
            out += table.counts + table.values
        }
        out += [0xFF, 0xDA] + Self.big16(12) + [3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]

        var writer = BitWriter()
        var previousDC = [0, 0, 0]
        let dcCodes = [Self.dcLuma.codes, Self.dcChroma.codes], acCodes = [Self.acLuma.codes, Self.acChroma.codes]
        let divisors = [luma, chroma].map { table in table.map { Float($0) } }
        var block = [Float](repeating: 0, count: 64)
        var coefficients = [Int](repeating: 0, count: 64)
        for blockY in stride(from: 0, to: height, by: 8) {
            for blockX in stride(from: 0, to: width, by: 8) {
                for component in 0..<3 {
                    for y in 0..<8 {
                        let row = min(blockY + y, height - 1) * width
                        for x in 0..<8 {
                            let pixel = (row + min(blockX + x, width - 1)) * 3
                            let r = Float(rgb[pixel]), g = Float(rgb[pixel + 1]), b = Float(rgb[pixel + 2])
                            block[y * 8 + x] = switch component {
                            case 0: 0.299 * r + 0.587 * g + 0.114 * b - 128
                            case 1: -0.168736 * r - 0.331264 * g + 0.5 * b
                            default: 0.5 * r - 0.418688 * g - 0.081312 * b
                            }
                        }
                    }
                    Self.forwardDCT(&block)
                    let table = component == 0 ? 0 : 1
                    for index in 0..<64 { coefficients[index] = Int((block[index] / divisors[table][index]).rounded()) }
                    Self.encodeBlock(coefficients, previousDC: &previousDC[component], dc: dcCodes[table], ac: acCodes[table], into: &writer)
                }
            }
        }
        writer.flush()
        out += writer.bytes
        out += [0xFF, 0xD9]
        return out
    }

    static func big16(_ value: Int) -> [UInt8] { [UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }

    /// libjpeg's quality scaling of a base table.
    static func scaled(_ base: [Int], _ quality: Int) -> [Int] {
        let scale = quality < 50 ? 5000 / quality : 200 - 2 * quality
        return base.map { min(max(($0 * scale + 50) / 100, 1), 255) }
    }

    /// cos((2x+1)uπ/16) · C(u)/2, row u.
    static let cosines: [Float] = (0..<64).map { index in
        let u = index / 8, x = index % 8
        let c: Double = u == 0 ? 1 / 2.0.squareRoot() : 1
        return Float(c / 2 * cos(Double(2 * x + 1) * Double(u) * .pi / 16))
    }

    /// The 2-D DCT-II of an 8×8 block, rows then columns.
    static func forwardDCT(_ block: inout [Float]) {
        var temp = [Float](repeating: 0, count: 64)
        for y in 0..<8 {
            for u in 0..<8 {
                var sum: Float = 0
                for x in 0..<8 { sum += block[y * 8 + x] * cosines[u * 8 + x] }
                temp[y * 8 + u] = sum
            }
        }
        for u in 0..<8 {
            for v in 0..<8 {
                var sum: Float = 0
                for y in 0..<8 { sum += temp[y * 8 + u] * cosines[v * 8 + y] }
                block[v * 8 + u] = sum
            }
        }
    }

    /// The magnitude category of a coefficient and its extra bits (T.81 F.1.2.1).
    static func category(_ value: Int) -> (size: Int, bits: Int) {
        let magnitude = abs(value)
        let size = magnitude == 0 ? 0 : Int.bitWidth - magnitude.leadingZeroBitCount
        return (size, value >= 0 ? value : value + (1 << size) - 1)
    }

    static func encodeBlock(_ natural: [Int], previousDC: inout Int, dc: [HuffmanCode], ac: [HuffmanCode], into writer: inout BitWriter) {
        let difference = natural[0] - previousDC
        previousDC = natural[0]
        let dcCategory = category(difference)
        writer.write(dc[dcCategory.size])
        if dcCategory.size > 0 { writer.write(bits: dcCategory.bits, count: dcCategory.size) }
        var run = 0
        for index in 1..<64 {
            let value = natural[zigzag[index]]
            if value == 0 {
                run += 1
                continue
            }
            while run > 15 {
                writer.write(ac[0xF0])
                run -= 16
            }
            let acCategory = category(value)
            writer.write(ac[run << 4 | acCategory.size])
            writer.write(bits: acCategory.bits, count: acCategory.size)
            run = 0
        }
        if run > 0 { writer.write(ac[0x00]) }
    }

    struct HuffmanCode: Sendable {
        var code = 0
        var length = 0
    }

    /// A Huffman table as DHT carries it (codes of each length 1–16, then the symbols) and
    /// the codes it assigns (T.81 Annex C), indexed by symbol.
    struct HuffmanTable: Sendable {
        let counts: [UInt8]
        let values: [UInt8]
        let codes: [HuffmanCode]

        init(counts: [UInt8], values: [UInt8]) {
            precondition(counts.count == 16 && counts.reduce(0) { $0 + Int($1) } == values.count)
            (self.counts, self.values) = (counts, values)
            var codes = [HuffmanCode](repeating: HuffmanCode(), count: 256)
            var code = 0, next = 0
            for length in 1...16 {
                for _ in 0..<Int(counts[length - 1]) {
                    codes[Int(values[next])] = HuffmanCode(code: code, length: length)
                    code += 1
                    next += 1
                }
                code <<= 1
            }
            self.codes = codes
        }
    }

    /// Entropy-coded bytes with 0xFF stuffed (T.81 B.1.1.5), padded with one bits at the end.
    struct BitWriter {
        var bytes: [UInt8] = []
        var buffer: UInt32 = 0
        var used = 0

        mutating func write(_ code: HuffmanCode) { write(bits: code.code, count: code.length) }

        mutating func write(bits: Int, count: Int) {
            buffer = buffer << UInt32(count) | UInt32(bits & ((1 << count) - 1))
            used += count
            while used >= 8 {
                let byte = UInt8(truncatingIfNeeded: buffer >> UInt32(used - 8))
                bytes.append(byte)
                if byte == 0xFF { bytes.append(0) }
                used -= 8
            }
            buffer &= (1 << UInt32(used)) - 1
        }

        mutating func flush() {
            if used > 0 { write(bits: (1 << (8 - used)) - 1, count: 8 - used) }
        }
    }
}
