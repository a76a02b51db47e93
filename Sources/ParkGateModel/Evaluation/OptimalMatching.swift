/// One-to-one matching of two sets of instants within a tolerance: as many pairs as possible,
/// and among those the smallest total time difference (not greedy: a greedy nearest-first pass
/// can steal the partner of a later event and lose a pair).
///
/// The instants are split into clusters whose neighbours are more than `tolerance` apart (no
/// pair can cross a cluster boundary), and each cluster is solved exactly with the Hungarian
/// method, so the cost grows with the size of the densest cluster, not with the whole list.
public enum OptimalMatching {
    /// Pairs of indices `(a, b)` with `|a[i] − b[j]| ≤ tolerance`, sorted by `a` index.
    public static func match(_ a: [Double], _ b: [Double], tolerance: Double) -> [(Int, Int)] {
        guard !a.isEmpty, !b.isEmpty else { return [] }
        var points = a.indices.map { (time: a[$0], side: 0, index: $0) } + b.indices.map { (time: b[$0], side: 1, index: $0) }
        points.sort { ($0.time, $0.side, $0.index) < ($1.time, $1.side, $1.index) }
        var pairs: [(Int, Int)] = []
        var clusterStart = 0
        for position in 1...points.count {
            if position == points.count || points[position].time - points[position - 1].time > tolerance {
                let cluster = points[clusterStart..<position]
                let left = cluster.filter { $0.side == 0 }.map(\.index)
                let right = cluster.filter { $0.side == 1 }.map(\.index)
                if !left.isEmpty, !right.isEmpty {
                    pairs += solve(left: left, right: right, a: a, b: b, tolerance: tolerance)
                }
                clusterStart = position
            }
        }
        return pairs.sorted { $0.0 < $1.0 }
    }

    /// Exact assignment on one cluster. Allowed pairs cost `|Δ| − big` (so every extra pair is
    /// worth more than any sum of differences), forbidden pairs and padding cost 0 and are
    /// dropped from the answer.
    static func solve(left: [Int], right: [Int], a: [Double], b: [Double], tolerance: Double) -> [(Int, Int)] {
        let n = max(left.count, right.count)
        let big = tolerance * Double(n + 1) + 1
        var cost = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for (row, i) in left.enumerated() {
            for (column, j) in right.enumerated() {
                let difference = abs(a[i] - b[j])
                if difference <= tolerance { cost[row][column] = difference - big }
            }
        }
        let assignment = hungarian(cost)
        var pairs: [(Int, Int)] = []
        for (row, column) in assignment.enumerated() where row < left.count && column < right.count {
            let (i, j) = (left[row], right[column])
            if abs(a[i] - b[j]) <= tolerance { pairs.append((i, j)) }
        }
        return pairs
    }

    /// The Hungarian method (Kuhn–Munkres with potentials), O(n³): for a square cost matrix,
    /// the column assigned to each row at minimum total cost.
    static func hungarian(_ cost: [[Double]]) -> [Int] {
        let n = cost.count
        var u = [Double](repeating: 0, count: n + 1), v = [Double](repeating: 0, count: n + 1)
        var p = [Int](repeating: 0, count: n + 1), way = [Int](repeating: 0, count: n + 1)
        for i in 1...n {
            p[0] = i
            var j0 = 0
            var minv = [Double](repeating: .infinity, count: n + 1)
            var used = [Bool](repeating: false, count: n + 1)
            repeat {
                used[j0] = true
                let i0 = p[j0]
                var delta = Double.infinity
                var j1 = 0
                for j in 1...n where !used[j] {
                    let current = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if current < minv[j] { minv[j] = current; way[j] = j0 }
                    if minv[j] < delta { delta = minv[j]; j1 = j }
                }
                for j in 0...n {
                    if used[j] { u[p[j]] += delta; v[j] -= delta } else { minv[j] -= delta }
                }
                j0 = j1
            } while p[j0] != 0
            repeat {
                let j1 = way[j0]
                p[j0] = p[j1]
                j0 = j1
            } while j0 != 0
        }
        var assignment = [Int](repeating: 0, count: n)
        for j in 1...n where p[j] != 0 { assignment[p[j] - 1] = j - 1 }
        return assignment
    }
}
