import Foundation

/// An electronic fence (4.2.28/4.2.29 `areaCollection`): a polygon of Baidu BD-09 coordinates,
/// `lng,lat$lng,lat$…`, as the cities draw their diesel-truck ban zones.
public struct Fence: Sendable, Hashable {
    public struct Point: Sendable, Hashable {
        public var lng: Double
        public var lat: Double

        public init(lng: Double, lat: Double) { (self.lng, self.lat) = (lng, lat) }
    }

    public let points: [Point]

    /// Parses and validates `areaCollection`: at least three distinct points (the document's own
    /// example has two: a line, not an area), each `lng,lat` with −180…180 and −90…90, a closing
    /// point equal to the first dropped, no more than 4,000 characters (its field length).
    public static func parse(_ text: String) -> Result<Fence, Problem> {
        guard text.count <= 4000 else { return .failure(Problem(message: "areaCollection is longer than 4000 characters")) }
        var points: [Point] = []
        for (index, pair) in text.split(separator: "$", omittingEmptySubsequences: false).enumerated() {
            let parts = pair.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let lng = Double(parts[0]), let lat = Double(parts[1]), lng.isFinite, lat.isFinite else {
                return .failure(Problem(message: "areaCollection point \(index + 1) \"\(pair)\" is not lng,lat"))
            }
            guard (-180...180).contains(lng), (-90...90).contains(lat) else {
                return .failure(Problem(message: "areaCollection point \(index + 1) \"\(pair)\": longitude −180…180, latitude −90…90"))
            }
            points.append(Point(lng: lng, lat: lat))
        }
        if points.count > 1, points.first == points.last { points.removeLast() }
        guard Set(points).count >= 3 else {
            return .failure(Problem(message: "areaCollection needs at least three distinct points to enclose an area, got \(Set(points).count)"))
        }
        return .success(Fence(points: points))
    }

    /// Whether the point lies inside (even-odd rule; a point on an edge counts as inside).
    public func contains(_ point: Point) -> Bool {
        var inside = false
        var previous = points[points.count - 1]
        for current in points {
            if Self.onSegment(point, previous, current) { return true }
            if (current.lat > point.lat) != (previous.lat > point.lat) {
                let crossing = (previous.lng - current.lng) * (point.lat - current.lat) / (previous.lat - current.lat) + current.lng
                if point.lng < crossing { inside.toggle() }
            }
            previous = current
        }
        return inside
    }

    static func onSegment(_ p: Point, _ a: Point, _ b: Point) -> Bool {
        let cross = (b.lng - a.lng) * (p.lat - a.lat) - (b.lat - a.lat) * (p.lng - a.lng)
        guard abs(cross) < 1e-12 else { return false }
        return min(a.lng, b.lng) <= p.lng && p.lng <= max(a.lng, b.lng) && min(a.lat, b.lat) <= p.lat && p.lat <= max(a.lat, b.lat)
    }

    /// The polygon as the document writes it.
    public var text: String { points.map { "\($0.lng),\($0.lat)" }.joined(separator: "$") }

    public struct Problem: Error, Sendable, Hashable {
        public let message: String
    }
}
