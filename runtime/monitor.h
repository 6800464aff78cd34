// The monitor performs the instructions the translator hands it (Monitor/Undef rows).
#pragma once

#include <cstdint>

#include "translator/decode.h"
#include "translator/insn_table.h"

namespace bt86::runtime {

class Machine;
struct VcpuState;

// Performs the instruction at vcpu.eip: updates state and eip, raises a guest exception,
// or stops the VM. `site` is the exit's decoded instruction (translator::MonitorSite), or
// kNoMonitorSite: the monitor fetches and decodes it.
void perform_monitor_call(Machine& m, uint32_t site);

// --- Shared by the family files (runtime/monitor_*.cpp). ---
uint32_t read_reg(const Machine& m, ZydisRegister r);
void write_reg(Machine& m, ZydisRegister r, uint32_t value);
// Operand `i` as a value; false: the memory access raised an exception or left guest RAM
// (memory goes through runtime/guest_access.h, with the segment checks).
bool read_operand(Machine& m, const translator::Insn& in, int i, uint32_t* out);
bool write_operand(Machine& m, const translator::Insn& in, int i, uint32_t value);
// PUSH/POP of `size` bytes through SS (limit-checked); ESP moves only on success.
bool push32(Machine& m, uint32_t value, unsigned size = 4);
bool pop32(Machine& m, uint32_t* value, unsigned size = 4);
void stop_outside_ram(Machine& m, uint32_t addr);
// Stops the VM naming the instruction and what bt86 cannot do yet; returns false.
bool stop_unsupported(Machine& m, const translator::Insn& in, const char* why);
uint32_t parity_flag(uint32_t result);

// Families. Each returns false when it raised an exception or stopped the VM; true means
// "done, continue at the next instruction".
bool perform_bcd(Machine& m, const translator::Insn& in, translator::Kind k);
bool perform_io(Machine& m, const translator::Insn& in, translator::Kind k);
bool perform_system(Machine& m, const translator::Insn& in, translator::Kind k);
bool perform_control(Machine& m, const translator::Insn& in, translator::Kind k);
bool perform_segment(Machine& m, const translator::Insn& in, translator::Kind k);
bool perform_string(Machine& m, const translator::Insn& in, translator::Kind k);
bool perform_descriptor(Machine& m, const translator::Insn& in, translator::Kind k);
// PUSH/POP/PUSHA/POPA/ENTER/LEAVE and near CALL/RET on a 16-bit stack (monitor_stack.cpp).
bool perform_stack(Machine& m, const translator::Insn& in, translator::Kind k);
// IN/OUT called from translated code through the glue (PortIoHelper in runtime/glue.h).
uint32_t port_io_from_block(VcpuState* v, uint32_t op, uint32_t value);
// Far JMP/CALL to `sel:offset` (runtime/monitor_far.cpp).
bool perform_far_transfer(Machine& m, const translator::Insn& in, translator::Kind k,
                          uint16_t sel, uint32_t offset);

}  // namespace bt86::runtime
