// Which arithmetic flags the SDM leaves undefined after a case, so comparisons ignore them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace bt86::diff {

// Decodes `code` (assembled for kCodeAddr) with Zydis in 32-bit mode and returns the EFLAGS
// bits that are undefined when execution reaches `stop_eip` (a fault: the instruction there
// did not complete) or the end of the code.
//
// Straight-line code: walking the instructions in order, undefined = (undefined & ~written) |
// undefined_by_insn, where a shift, rotate or REP string op never counts as writing (a count
// of 0 writes nothing). Code with any branch, or bytes Zydis cannot decode: the order of execution
// is not the order in memory, so the result is the union of every instruction's undefined flags -
// conservative, it may hide a difference in a flag that some path does define.
uint32_t undefined_flags(std::span<const uint8_t> code, std::optional<uint32_t> stop_eip);

}  // namespace bt86::diff
