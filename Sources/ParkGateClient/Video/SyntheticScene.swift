/// Pictures a simulated camera takes: a road with a vehicle and its plate, a plate close-up, a
/// face, a street background. Drawn as RGB with a little sensor noise (so they compress like
/// photographs, not like flat drawings) and encoded with `JPEGEncoder`.
public struct SyntheticScene: Sendable {
    public var width: Int
    public var height: Int
    /// Sensor noise, 0–64 levels either side; more noise, larger files.
    public var noise: Int
    public var seed: UInt64

    public init(width: Int, height: Int, noise: Int = 12, seed: UInt64 = 1) {
        (self.width, self.height, self.noise, self.seed) = (max(width, 8), max(height, 8), min(max(noise, 0), 64), seed)
    }

    public enum Kind: Sendable, CaseIterable {
        case vehicle, plate, face, street
    }

    /// The picture as a JPEG.
    public func jpeg(_ kind: Kind, quality: Int = 85, comment: String? = nil) -> [UInt8] {
        JPEGEncoder(quality: quality).encode(width: width, height: height, rgb: rgb(kind), comment: comment)
    }

    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        mutating func byte() -> Int { Int(next() & 0xFF) }
    }

    /// Packed RGB, rows top to bottom.
    public func rgb(_ kind: Kind) -> [UInt8] {
        var random = Random(state: seed &* 0x9E37_79B9_7F4A_7C15 | 1)
        let body = (random.byte(), random.byte(), random.byte())
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let w = Double(width), h = Double(height)
        for y in 0..<height {
            let fy = Double(y) / h
            for x in 0..<width {
                let fx = Double(x) / w
                var (r, g, b): (Double, Double, Double)
                switch kind {
                case .vehicle, .street:
                    // Sky above the horizon, asphalt below, white lane marks.
                    if fy < 0.35 {
                        (r, g, b) = (120 + 80 * fy, 160 + 60 * fy, 220)
                    } else {
                        let shade = 70 + 40 * fy
                        (r, g, b) = (shade, shade, shade + 5)
                        if abs(fx - 0.5) < 0.01 && Int(fy * 20) % 2 == 0 { (r, g, b) = (235, 235, 235) }
                    }
                    if kind == .vehicle, fx > 0.25, fx < 0.75, fy > 0.4, fy < 0.9 {
                        (r, g, b) = (Double(body.0), Double(body.1), Double(body.2))
                        if fy < 0.55 && fx > 0.32 && fx < 0.68 { (r, g, b) = (40, 50, 60) }  // windscreen
                        if fy > 0.75, fy < 0.83, fx > 0.43, fx < 0.57 { (r, g, b) = plateColour(fx: (fx - 0.43) / 0.14, fy: (fy - 0.75) / 0.08) }
                    }
                    if kind == .street, fx > 0.1, fx < 0.3, fy > 0.2, fy < 0.6 { (r, g, b) = (150, 110, 90) }  // a building
                case .plate:
                    (r, g, b) = plateColour(fx: fx, fy: fy)
                case .face:
                    (r, g, b) = (200 - 60 * fy, 200 - 40 * fy, 190)
                    let dx = (fx - 0.5) / 0.3, dy = (fy - 0.5) / 0.4
                    if dx * dx + dy * dy < 1 {
                        (r, g, b) = (224, 180, 150)
                        let eye = abs(fy - 0.42) < 0.03 && (abs(fx - 0.4) < 0.04 || abs(fx - 0.6) < 0.04)
                        if eye || (abs(fy - 0.68) < 0.02 && abs(fx - 0.5) < 0.1) { (r, g, b) = (60, 40, 40) }
                    }
                    if fy < 0.2, dx * dx < 1 { (r, g, b) = (40, 30, 25) }  // hair
                }
                let pixel = (y * width + x) * 3
                let amplitude = noise
                func channel(_ value: Double) -> UInt8 {
                    let jitter = amplitude == 0 ? 0 : random.byte() % (2 * amplitude + 1) - amplitude
                    return UInt8(min(max(Int(value) + jitter, 0), 255))
                }
                (pixels[pixel], pixels[pixel + 1], pixels[pixel + 2]) = (channel(r), channel(g), channel(b))
            }
        }
        return pixels
    }

    /// A blue plate with seven white characters drawn as bars, at (fx, fy) in 0–1.
    func plateColour(fx: Double, fy: Double) -> (Double, Double, Double) {
        let character = Int(fx * 7.5)
        let inCharacter = fx * 7.5 - Double(character)
        let mark = fy > 0.2 && fy < 0.8 && inCharacter > 0.25 && inCharacter < 0.75 && (Int(fy * 5) + character) % 2 == 0
        return mark ? (240, 240, 240) : (20, 60, 170)
    }
}
