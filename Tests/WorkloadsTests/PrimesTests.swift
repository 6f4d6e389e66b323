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

    @Test("the slices of 0..<limit cover it exactly once", arguments: [(100, 8), (7, 8), (9_000_000, 8), (1_000_003, 13)])
    func slicesCover(limit: Int, tasks: Int) throws {
        let primes = Primes(parameters: try Primes.parameters(overriding: ["limit": String(limit)]), taskCount: tasks)
        var next = 0
        for index in 0..<tasks {
            let slice = primes.slice(forTask: index)
            #expect(slice.lowerBound == next)
            next = slice.upperBound
        }
        #expect(next == limit)
    }

    @Test("a task's checksum is the count and sum of the primes in its slice", arguments: [(100, 25, 1060), (1000, 168, 76127)])
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

    @Test("different slicing gives different task checksums but the same primes")
    func slicingChangesTasks() throws {
        let parameters = try Primes.parameters(overriding: ["limit": "1000"])
        let whole = Primes(parameters: parameters, taskCount: 1).run(task: 0, input: [])
        let firstHalf = Primes(parameters: parameters, taskCount: 2).run(task: 0, input: [])
        #expect(whole.checksum != firstHalf.checksum)
        #expect(firstHalf.units == 500)
    }
}
