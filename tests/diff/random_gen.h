// Seeded random 32-bit instruction sequences for the differential harness.
#pragma once

#include <cstdint>

#include "tests/diff/diff_case.h"

namespace bt86::diff {

// Sequence `index` of the stream for `seed`: 1-24 random steps (an instruction, or a short
// group such as "mov cl, n; shl eax, cl"), deterministic in (seed, index) alone, so any failure
// reproduces from those two numbers. Named "random/<seed>/<index>".
//
// Invariants that keep every run inside the data area and free of faults:
//  - EBX holds kDataAddr and ESP is only changed by PUSH/POP; neither is ever written
//    otherwise. Memory operands are [ebx+disp], [disp32], [esp+disp8], or use an index
//    register that the same step first bounds with MOVZX from a byte register.
//  - Branches only go forward, to step boundaries; DIV/IDIV only with operands that cannot
//    overflow; no sensitive instruction, no string instruction.
//  - Initial registers are random (EBX and ESP excepted), the arithmetic flags and DF random,
//    the data area the fixed pattern with its first 0x1200 bytes random.
CaseInput random_case(uint64_t seed, uint64_t index);

}  // namespace bt86::diff
