// The run-folder fuzzer, and the replay of its corpus: see Scripts/README.md ("Fuzzing").
//
// Built by `Scripts/fuzz.sh` with `-sanitize=fuzzer -D FUZZING`, it is a libFuzzer binary whose
// every input is a run folder (`FolderFuzzing` says how the bytes make one). Built as usual
// (`swift build`), it replays the files or folders of inputs it is given and prints what the
// lab answered to each; `swift test` replays the corpus in-process too.
import Glibc
import LabCore
import LabReport

#if FUZZING
/// libFuzzer's entry for a program with a `main` of its own (SwiftPM gives every executable one).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// The same entry by its classic name: libFuzzer's archive brings its own `main` object, which
/// names it, although this program's `main` is the one that runs.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FolderFuzzing.exercise(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(
    runFuzzerDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) })
#else
func complain(_ text: String) {
    try? Platform.writeAll(STDERR_FILENO, Array(("lab-fuzz: " + text + "\n").utf8))
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "pack" {
    // `lab-fuzz pack FOLDER ROWS OUT`: a seed from a real run folder (Scripts/fuzz.sh --seeds).
    guard arguments.count == 4, let rows = Int(arguments[2]), rows > 0 else {
        complain("usage: lab-fuzz pack FOLDER ROWS OUT")
        exit(2)
    }
    do {
        let bytes = try FolderFuzzing.pack(folder: arguments[1], rows: rows)
        try Platform.replaceFile(atPath: arguments[3], with: bytes)
        exit(0)
    } catch {
        complain("\(error)")
        exit(2)
    }
}
exit(FolderFuzzing.replay(paths: arguments))
#endif
