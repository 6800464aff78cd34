// The two transfers of a system call made with INT n and IRET, done in one pass when every
// condition for the plain case holds: the user-to-kernel INT through a GDT code segment and
// the TSS ring-0 stack, and the IRET back. Anything else (a fault to raise, a task gate, an
// LDT selector, a 16-bit segment, a frame across a page, --trace int) declines, and the
// general path (exceptions.cpp, monitor_control.cpp) performs the instruction and raises
// what it must. These never raise and change nothing when they decline.
//
// Why: the general path checks through layers (gate, descriptor, TSS, stack helpers), each
// a call with its own guest-memory lookup; an int 0x80/IRET round trip spent ~40% of its
// time there (bench/RESULTS.md). The checks below are the SDM's for the cases they accept
// (INT n: "INTER-PRIVILEGE-LEVEL-INTERRUPT"; IRET: "RETURN-TO-OUTER-PRIVILEGE-LEVEL").
#pragma once

#include <cstdint>

namespace bt86::runtime {

class Machine;

// INT `vector` (software) at CPL 3, `next_eip` the instruction after it. True: delivered.
bool fast_int_from_user(Machine& m, uint8_t vector, uint32_t next_eip);

// IRET with a 32-bit operand size at CPL 0 to CPL 3. True: returned.
bool fast_iret_to_user(Machine& m);

}  // namespace bt86::runtime
