// The modeled CPU that CPUID presents (docs/CPU.md): fixed, documented, and no more than
// the monitor supports.
#pragma once

#include <cstdint>

namespace bt86::runtime {

struct CpuidResult {
  uint32_t eax, ebx, ecx, edx;
};

CpuidResult cpuid(uint32_t leaf, uint32_t subleaf);

}  // namespace bt86::runtime
