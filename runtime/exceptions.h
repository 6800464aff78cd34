// Exception and interrupt delivery through the guest IDT, with double and triple faults.
#pragma once

#include <cstdint>
#include <optional>

namespace bt86::runtime {

class Machine;

// Delivers `vector` at vcpu.eip. A fault saves vcpu.eip (the faulting instruction); a
// trap or INT n passes `return_eip` (the next instruction) for its frame, while a fault
// raised by the delivery itself still saves the INT's own EIP. `software` marks INT n, INT3
// and INTO, whose gate DPL is checked against CPL.
// Whether the CPU pushes an error code for exception `vector` (#DF, #TS, #NP, #SS, #GP,
// #PF, #AC).
constexpr bool pushes_error_code(int vector) {
  return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17;
}

void deliver_exception(Machine& m, int vector, bool has_error, uint32_t error,
                       bool software = false, std::optional<uint32_t> return_eip = {});

}  // namespace bt86::runtime
