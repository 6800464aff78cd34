// Which arithmetic flags the SDM leaves undefined after a case, so comparisons ignore them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace bt86::diff {

// One instruction's effect on the arithmetic flags, from Zydis's tables (32-bit mode).
struct FlagEffect {
  uint32_t tested = 0;     // read
  uint32_t written = 0;    // given a defined value; never for shifts, rotates and REP string
                           // ops, whose count may be 0
  uint32_t modified = 0;   // written or left undefined
  uint32_t undefined = 0;  // left undefined
  size_t length = 0;
  bool is_branch = false;

  // The undefined flags after this instruction when `before` were undefined before it. An
  // instruction reading an undefined flag leaves everything it writes undefined too.
  uint32_t after(uint32_t before) const {
    uint32_t out = (before & ~written) | undefined;
    return (tested & before) ? out | modified : out;
  }
};

// Decodes the instruction at the start of `bytes`; nullopt if Zydis cannot.
std::optional<FlagEffect> flag_effect(std::span<const uint8_t> bytes);

// The EFLAGS bits undefined when execution of `code` (assembled for kCodeAddr) reaches
// `stop_eip` (a fault: the instruction there did not complete) or the end.
//
// Straight-line code: FlagEffect::after folded along the instructions. Code with a branch,
// or bytes Zydis cannot decode: execution order is not memory order, so the union of every
// instruction's undefined flags - conservative, it may hide a difference in a flag that some
// path does define.
uint32_t undefined_flags(std::span<const uint8_t> code, std::optional<uint32_t> stop_eip);

// The address of the first instruction of straight-line `code` that reads a flag left
// undefined by an earlier one (its result may then differ between two correct CPUs); nullopt
// if there is none or the code branches.
std::optional<uint32_t> first_undefined_flag_read(std::span<const uint8_t> code);

}  // namespace bt86::diff
