#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How many floats Gradbook's own loops take at a time: eight where the processor runs AVX2
/// (the fused products, tanh and sigmoid, the binary head and `Lockstep`'s products then go
/// through `WideLanes`, the same code compiled for AVX2), four otherwise (SSE on x86-64, NEON on
/// arm64).
///
/// Swift has no per-function target attribute, and a binary built for AVX2 would not start on
/// a processor without it: so the eight-lane build is a module of its own, called only when the
/// processor is asked first, here, in code built for the baseline. Both widths give the same
/// bits. `GRADBOOK_LANES=4` keeps to four lanes; `gradbook --version` and the run summary say
/// which runs.
public enum VectorLanes {
    /// Whether the eight-lane kernels run.
    static let wide: Bool = {
        if DynamicLibrary.environment("GRADBOOK_LANES") == "4" { return false }
        return processorRunsAVX2
    }()

    /// Floats per step: 8 or 4.
    public static var width: Int { wide ? 8 : 4 }

    /// `8 (AVX2)`, `4 (SSE)` or `4 (NEON)`.
    public static var description: String {
        #if arch(x86_64)
        wide ? "8 (AVX2)" : "4 (SSE)"
        #else
        "4 (NEON)"
        #endif
    }

    /// Whether the processor and the system run AVX2 (and `WideLanes` was built for it: x86-64
    /// only): Linux lists `avx2` among a processor's flags only when it saves the registers'
    /// upper halves on a switch; macOS answers `hw.optional.avx2_0` (kept compiling, not tested
    /// here). Asked in this module, built for the baseline: nothing of `WideLanes` runs first.
    private static var processorRunsAVX2: Bool {
        #if arch(x86_64) && os(Linux)
        guard let file = fopen("/proc/cpuinfo", "r") else { return false }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?, capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let line {
            let text = String(cString: line)
            guard text.hasPrefix("flags") else { continue }
            return text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).contains("avx2")
        }
        return false
        #elseif arch(x86_64) && os(macOS)
        var value: Int32 = 0, size = MemoryLayout<Int32>.size
        return sysctlbyname("hw.optional.avx2_0", &value, &size, nil, 0) == 0 && value != 0
        #else
        return false
        #endif
    }
}
