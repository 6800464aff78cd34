// CPUID leaves of the bt86 virtual CPU: a family-6 GenuineIntel part with FPU, PSE, TSC,
// MSR, CX8, SEP, PGE, CMOV, CLFLUSH, MMX, FXSR, SSE, SSE2 and SSE3 -- exactly the ISA sets
// the translator copies (translator/classify.cpp isa_set_modeled) and the system features
// the monitor models (4 MiB pages, global pages, SYSENTER/SYSEXIT), nothing it lacks --
// and IA32_ARCH_CAPABILITIES, through which it reports no Meltdown, MDS, TAA or SSB:
// guest-side mitigations for those (VERW on every return to user mode) would cost a
// monitor exit each and could not reach the host's buffers anyway.
#include "runtime/cpu_model.h"

#include <cstring>

namespace bt86::runtime {

namespace {

constexpr uint32_t kMaxBasic = 7;
constexpr uint32_t kMaxExtended = 0x80000004;

// Leaf 1 EDX: FPU(0) PSE(3) TSC(4) MSR(5) CX8(8) SEP(11) PGE(13) CMOV(15) CLFSH(19) MMX(23)
// FXSR(24) SSE(25) SSE2(26).
constexpr uint32_t kFeaturesEdx = (1u << 0) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 8) |
                                  (1u << 11) | (1u << 13) | (1u << 15) | (1u << 19) |
                                  (1u << 23) | (1u << 24) | (1u << 25) | (1u << 26);
// Leaf 1 ECX: SSE3(0).
constexpr uint32_t kFeaturesEcx = 1u << 0;
// Leaf 7 EDX: IA32_ARCH_CAPABILITIES(29), the MSR that says which speculative-execution
// flaws the part does not have (runtime/monitor_system.cpp, kArchCapabilities).
constexpr uint32_t kLeaf7Edx = 1u << 29;
// Family 6, model 13, stepping 8.
constexpr uint32_t kSignature = 0x000006D8;

uint32_t chars(const char* s) {
  uint32_t v;
  std::memcpy(&v, s, 4);
  return v;
}

}  // namespace

CpuidResult cpuid(uint32_t leaf, uint32_t subleaf) {
  static const char kBrand[48] = "bt86 virtual CPU";
  switch (leaf) {
    case 0:
      return {kMaxBasic, chars("Genu"), chars("ntel"), chars("ineI")};
    case 1:
      // EBX: CLFLUSH line size 8 (x 8 = 64 bytes), one logical processor, APIC ID 0.
      return {kSignature, (8u << 8) | (1u << 16), kFeaturesEcx, kFeaturesEdx};
    case 2:
      // One round of descriptors, all null: caches are not described.
      return {1, 0, 0, 0};
    case 3: case 4: case 5: case 6:
      // No serial number, no deterministic cache parameters (type 0: none), no
      // MONITOR/MWAIT, no thermal and power management.
      return {0, 0, 0, 0};
    case 7:
      return subleaf == 0 ? CpuidResult{0, 0, 0, kLeaf7Edx} : CpuidResult{0, 0, 0, 0};
    case 0x80000000:
      return {kMaxExtended, 0, 0, 0};
    case 0x80000002:
    case 0x80000003:
    case 0x80000004: {
      const char* p = kBrand + (leaf - 0x80000002) * 16;
      return {chars(p), chars(p + 4), chars(p + 8), chars(p + 12)};
    }
    default:
      // Intel CPUs answer leaves above the maximum basic leaf with the highest basic leaf.
      if (leaf < 0x80000000 && leaf > kMaxBasic) return cpuid(kMaxBasic, 0);
      return {0, 0, 0, 0};
  }
}

}  // namespace bt86::runtime
