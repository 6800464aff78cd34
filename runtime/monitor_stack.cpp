// The stack family in the monitor: PUSH, POP, PUSHA, POPA, ENTER, LEAVE and near CALL/RET,
// which the translator sends here when the stack segment is 16-bit (SS.B = 0; see
// stack16_to_monitor in translator/translate.cpp). Implicit stack references then use SP,
// wrapping at 64 KiB, and leave ESP's upper half alone (SDM vol. 1, 6.2; vol. 3, 3.4.5);
// explicit operands such as [esp + 4] keep the instruction's address size. The helpers
// of runtime/guest_access.h (stack_slot, move_sp) follow SS.B, so the code below is right
// for either stack size. Every read and check comes before the first write or register
// change: a fault leaves the instruction restartable.
#include "runtime/guest_access.h"
#include "runtime/machine.h"
#include "runtime/monitor.h"

namespace bt86::runtime {

using translator::Insn;
using translator::Kind;

namespace {

// A register of PUSHA/POPA (EAX ... EDI in encoding order) written at the operand size.
void set_gpr(VcpuState& v, int i, uint32_t value, unsigned n) {
  v.gpr[i] = n == 2 ? (v.gpr[i] & 0xFFFF0000u) | (value & 0xFFFF) : value;
}

// Writes `count` slots of `n` bytes below ESP (SP), values[0] at the highest address,
// after checking every slot: a fault leaves memory and ESP untouched. ESP does not move.
bool write_below_sp(Machine& m, const uint32_t* values, int count, int n) {
  VcpuState& v = m.vcpu();
  for (int i = 0; i < count; ++i)
    if (!check_access(m, stack_slot(v, -n * (i + 1)), unsigned(n), Access::kWrite)) return false;
  for (int i = 0; i < count; ++i)
    if (!write_mem(m, stack_slot(v, -n * (i + 1)), unsigned(n), values[i])) return false;
  return true;
}

bool push(Machine& m, const Insn& in) {
  const unsigned n = in.z.operand_width / 8;
  const ZydisDecodedOperand& src = in.ops[0];
  uint32_t value = 0;
  if (src.type == ZYDIS_OPERAND_TYPE_IMMEDIATE) value = uint32_t(src.imm.value.s);
  else if (!read_operand(m, in, 0, &value)) return false;  // PUSH ESP: the value before
  return push32(m, value, n);
}

// POP r/m: an ESP-based destination address is computed after the increment (SDM POP);
// POP ESP (SP) leaves the popped value in it.
bool pop(Machine& m, const Insn& in) {
  VcpuState& v = m.vcpu();
  const unsigned n = in.z.operand_width / 8;
  uint64_t value = 0;
  if (!read_mem(m, stack_slot(v, 0), n, &value)) return false;
  const uint32_t before = v.gpr[4];
  move_sp(v, int32_t(n));
  if (!write_operand(m, in, 0, uint32_t(value))) {
    v.gpr[4] = before;
    return false;
  }
  return true;
}

// PUSHA: EAX ECX EDX EBX, the original ESP (SP), EBP ESI EDI, highest address first.
bool pusha(Machine& m, const Insn& in) {
  VcpuState& v = m.vcpu();
  const int n = int(in.z.operand_width / 8);
  if (!write_below_sp(m, v.gpr, 8, n)) return false;
  move_sp(v, -8 * n);
  return true;
}

// POPA: every slot is read before a register changes; the saved ESP is skipped.
bool popa(Machine& m, const Insn& in) {
  VcpuState& v = m.vcpu();
  const int n = int(in.z.operand_width / 8);
  uint64_t values[8];
  for (int i = 0; i < 8; ++i)
    if (!read_mem(m, stack_slot(v, n * (7 - i)), unsigned(n), &values[i])) return false;
  for (int i = 0; i < 8; ++i)
    if (i != 4) set_gpr(v, i, uint32_t(values[i]), unsigned(n));
  move_sp(v, 8 * n);
  return true;
}

// ENTER size, level (SDM ENTER): push EBP (BP); FrameTemp = ESP after it; copy level - 1
// frame pointers from [EBP - n*i] (BP-relative on a 16-bit stack) and push FrameTemp;
// EBP (BP with a 16-bit operand size) = FrameTemp; ESP (SP) -= size. With a 32-bit
// operand size on a 16-bit stack EBP receives all of FrameTemp, ESP's upper half
// included: the SDM's pseudocode (IF OperandSize = 32 THEN EBP <- FrameTemp), and what
// QEMU and Bochs do.
bool enter(Machine& m, const Insn& in) {
  VcpuState& v = m.vcpu();
  const Segment& ss = v.seg[kSS];
  const int n = int(in.z.operand_width / 8);
  const int32_t size = int32_t(in.ops[0].imm.value.u & 0xFFFF);
  const int level = int(in.ops[1].imm.value.u & 31);
  const uint32_t esp = v.gpr[4], ebp = v.gpr[5];
  const uint32_t frame_temp = moved_esp(ss, esp, -n);
  uint32_t pushed[33];  // top of the frame first: EBP, copied pointers, FrameTemp
  int count = 0;
  pushed[count++] = ebp;
  if (level > 0) {
    for (int i = 1; i < level; ++i) {
      uint64_t p = 0;
      if (!read_mem(m, {kSS, stack_offset(ss, ebp, -n * i)}, unsigned(n), &p)) return false;
      pushed[count++] = uint32_t(p);
    }
    pushed[count++] = frame_temp;
  }
  if (!write_below_sp(m, pushed, count, n)) return false;
  set_gpr(v, 5, frame_temp, unsigned(n));
  v.gpr[4] = moved_esp(ss, esp, -n * count - size);
  return true;
}

// LEAVE: ESP = EBP (SP = BP on a 16-bit stack), then POP EBP (BP).
bool leave(Machine& m, const Insn& in) {
  VcpuState& v = m.vcpu();
  const Segment& ss = v.seg[kSS];
  const unsigned n = in.z.operand_width / 8;
  const uint32_t esp = stack_is_16(ss) ? (v.gpr[4] & 0xFFFF0000u) | (v.gpr[5] & 0xFFFF) : v.gpr[5];
  uint64_t value = 0;
  if (!read_mem(m, {kSS, stack_offset(ss, esp, 0)}, n, &value)) return false;
  set_gpr(v, 5, uint32_t(value), n);
  v.gpr[4] = moved_esp(ss, esp, int32_t(n));
  return true;
}

// Near CALL: the target (an offset in CS; 16 bits with a 16-bit operand size) is checked
// against the CS limit (#GP(0)) before the return address is pushed.
bool call(Machine& m, const Insn& in) {
  VcpuState& v = m.vcpu();
  const unsigned n = in.z.operand_width / 8;
  const ZydisDecodedOperand& op = in.ops[0];
  uint32_t target = 0;
  if (op.type == ZYDIS_OPERAND_TYPE_IMMEDIATE) target = in.next_eip() + uint32_t(op.imm.value.s);
  else if (!read_operand(m, in, 0, &target)) return false;
  if (n == 2) target &= 0xFFFF;
  if (target > v.seg[kCS].limit) {
    m.raise(13, true, 0);
    return false;
  }
  if (!push32(m, in.next_eip(), n)) return false;
  v.eip = target;
  return false;  // eip is set
}

// Near RET [imm16]: pop the return offset, check it against the CS limit, release imm16.
bool ret(Machine& m, const Insn& in) {
  VcpuState& v = m.vcpu();
  const unsigned n = in.z.operand_width / 8;
  uint64_t target = 0;
  if (!read_mem(m, stack_slot(v, 0), n, &target)) return false;
  if (target > v.seg[kCS].limit) {
    m.raise(13, true, 0);
    return false;
  }
  const uint32_t release =
      in.z.operand_count_visible ? uint32_t(in.ops[0].imm.value.u & 0xFFFF) : 0;
  move_sp(v, int32_t(n + release));
  v.eip = uint32_t(target);
  return false;  // eip is set
}

}  // namespace

bool perform_stack(Machine& m, const Insn& in, Kind k) {
  switch (k) {
    case Kind::Push: return push(m, in);
    case Kind::Pop: return pop(m, in);
    case Kind::Pusha: return pusha(m, in);
    case Kind::Popa: return popa(m, in);
    case Kind::Enter: return enter(m, in);
    case Kind::Leave: return leave(m, in);
    case Kind::Call: return call(m, in);
    case Kind::Ret: return ret(m, in);
    default: return stop_unsupported(m, in, "not a stack instruction");
  }
}

}  // namespace bt86::runtime
