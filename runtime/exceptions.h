// Exception and interrupt delivery through the guest IDT, with double and triple faults.
#pragma once

#include <cstdint>

namespace bt86::runtime {

class Machine;

// Delivers `vector` as a fault or trap whose return address is vcpu.eip (the monitor sets
// eip to the next instruction for traps and INT n before calling). `software` marks INT n,
// INT3 and INTO, whose gate DPL is checked against CPL.
void deliver_exception(Machine& m, int vector, bool has_error, uint32_t error,
                       bool software = false);

}  // namespace bt86::runtime
