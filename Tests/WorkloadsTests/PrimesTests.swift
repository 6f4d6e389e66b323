import LabCore
import Testing

@testable import Workloads

@Suite struct PrimesTests {
    /// An independent check: the sieve of Eratosthenes.
    static func sieve(below limit: Int) -> [Bool] {
        var isPrime = [Bool](repeating: true, count: max(limit, 2))
        isPrime[0] = false
        isPrime[1] = false
        var number = 2
        while number * number < limit {
            if isPrime[number] {
                for multiple in stride(from: number * number, to: limit, by: number) { isPrime[multiple] = false }
            }
            number += 1
        }
        return isPrime
    }

    @Test("trial division agrees with a sieve below 20,000")
    func agreesWithSieve() {
        let expected = Self.sieve(below: 20_000)
        for number in 0..<20_000 {
            #expect(Primes.isPrime(number) == expected[number], "\(number)")
        }
    }

    @Test(
        "the blocks of 0..<limit cover it exactly once", arguments: [(100, 8), (7, 8), (9_000_000, 8), (1_000_003, 13)])
    func blocksCover(limit: Int, tasks: Int) throws {
        let primes = Primes(parameters: try Primes.parameters(overriding: ["limit": String(limit)]), taskCount: tasks)
        var covered = [Int](repeating: 0, count: limit)
        for index in 0..<tasks {
            for block in primes.blocks(forTask: index) {
                #expect(block.count <= Primes.blockSize)
                for number in block { covered[number] += 1 }
            }
        }
        #expect(covered.allSatisfy { $0 == 1 })
    }

    @Test("every task of the default plan gets almost the same numbers to test")
    func sharesAreEven() throws {
        let primes = Primes(parameters: try Primes.parameters(), taskCount: 8)
        let shares = (0..<8).map { primes.blocks(forTask: $0) }
        let sizes = shares.map { $0.reduce(0) { $0 + $1.count } }
        #expect(sizes.max()! - sizes.min()! <= Primes.blockSize)
        // Each share reaches into the last eighth of the range, where testing costs most.
        #expect(shares.allSatisfy { ($0.last?.lowerBound ?? 0) >= 9_000_000 * 7 / 8 })
    }

    @Test(
        "a task's checksum is the count and sum of the primes in its slice",
        arguments: [(100, 25, 1060), (1000, 168, 76127)])
    func knownCounts(limit: Int, count: UInt64, sum: UInt64) throws {
        let primes = Primes(parameters: try Primes.parameters(overriding: ["limit": String(limit)]), taskCount: 1)
        var expected = Checksum()
        expected.combine(count)
        expected.combine(sum)
        let output = primes.run(task: 0, input: [])
        #expect(output.checksum == expected.value)
        #expect(output.units == UInt64(limit))
        #expect(output.payload.isEmpty)
    }

    @Test("different task counts give different task checksums but the same primes")
    func slicingChangesTasks() throws {
        let parameters = try Primes.parameters(overriding: ["limit": "5000"])
        let whole = Primes(parameters: parameters, taskCount: 1).run(task: 0, input: [])
        let halves = Primes(parameters: parameters, taskCount: 2)
        let first = halves.run(task: 0, input: [])
        let second = halves.run(task: 1, input: [])
        #expect(whole.checksum != first.checksum)
        // Blocks 0, 2 and 4 (the last one short) against blocks 1 and 3.
        #expect(first.units == 1024 + 1024 + (5000 - 4096))
        #expect(second.units == 2048)
    }
}
