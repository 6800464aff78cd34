// The common privilege transfers in one pass, when every condition of the plain case holds:
// an interrupt, exception or INT n from CPL 3 to a ring-0 handler through a GDT code segment
// and the TSS's ring-0 stack, and IRET back to CPL 3 or within CPL 0. Anything else (a
// fault to raise, a task gate, an LDT selector, a conforming or 16-bit segment, a frame
// across a page) declines, and the general path (exceptions.cpp, monitor_control.cpp)
// performs it and raises what it must. These never raise and change nothing when they
// decline.
//
// Why: the general path checks through layers (gate, descriptor, TSS, stack helpers), each
// a call with its own guest-memory lookup; an int 0x80/IRET round trip spent ~40% of its
// time there (bench/RESULTS.md). The checks below are the SDM's for the cases they accept
// (INT n and interrupt delivery: "INTER-PRIVILEGE-LEVEL-INTERRUPT"; IRET:
// "RETURN-TO-OUTER-PRIVILEGE-LEVEL" and "RETURN-TO-SAME-PRIVILEGE-LEVEL").
#pragma once

#include <cstdint>

namespace bt86::runtime {

class Machine;

// Delivery of `vector` at CPL 3 (software: INT n, INT3, INTO, which check the gate's DPL),
// with `error` pushed if `has_error`, `frame_eip` the EIP saved. True: delivered (the
// caller counts and traces deliveries).
bool fast_deliver_from_user(Machine& m, int vector, bool has_error, uint32_t error,
                            bool software, uint32_t frame_eip);

// IRET with a 32-bit operand size at CPL 0, to CPL 3 or to CPL 0. True: returned.
bool fast_iret(Machine& m);

}  // namespace bt86::runtime
