// Pointing the host GS base at a guest window (wrgsbase, or arch_prctl without FSGSBASE).
#pragma once

#include <cstdint>

namespace bt86::runtime {

void set_gs_base(uint64_t base);

}  // namespace bt86::runtime
