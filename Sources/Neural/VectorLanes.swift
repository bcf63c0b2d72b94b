import ProcessorFeatures

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
    /// only), as the processor itself answers (CPUID, and XGETBV for the system's saving of the
    /// registers' upper halves) in C built for the baseline: nothing of `WideLanes` runs first.
    /// Not `/proc/cpuinfo`, which an emulator, a sandbox or a container may hand over from
    /// another processor (QEMU's user mode shows the host's).
    private static var processorRunsAVX2: Bool { gradbook_processor_runs_avx2() != 0 }
}
