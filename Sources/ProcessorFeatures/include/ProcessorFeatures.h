#ifndef GRADBOOK_PROCESSOR_FEATURES_H
#define GRADBOOK_PROCESSOR_FEATURES_H

/// Whether this processor executes AVX2 instructions and the system saves their registers:
/// the processor's own answer (CPUID leaf 7, and OSXSAVE with XCR0's SSE and AVX state bits),
/// not a file's. 0 off x86-64.
int gradbook_processor_runs_avx2(void);

#endif
