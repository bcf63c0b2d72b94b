#include "ProcessorFeatures.h"

#if defined(__x86_64__)
#include <cpuid.h>

int gradbook_processor_runs_avx2(void) {
    unsigned a, b, c, d;
    // Leaf 1: AVX (ECX bit 28) and OSXSAVE (bit 27), without which XGETBV is not there to ask.
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27)) || !(c & (1u << 28))) return 0;
    // XCR0: the system saves the SSE (bit 1) and AVX (bit 2) halves of the registers on a switch.
    unsigned low, high;
    __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    if ((low & 6u) != 6u) return 0;
    // Leaf 7, subleaf 0: AVX2 is EBX bit 5.
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b >> 5) & 1u;
}
#else
int gradbook_processor_runs_avx2(void) { return 0; }
#endif
