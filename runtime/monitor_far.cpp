// Far JMP and CALL, directly to a code segment or through a 32-bit call gate; CALL through
// a gate also to an inner privilege level, switching stacks; to a TSS or through a task
// gate, a task switch (SDM vol. 2, JMP and CALL, protected-mode operation). Every check
// comes before any state changes, so a fault leaves the stack and registers as they were.
#include <algorithm>

#include "runtime/descriptors.h"
#include "runtime/guest_access.h"
#include "runtime/machine.h"
#include "runtime/monitor.h"
#include "runtime/privilege.h"
#include "runtime/task_switch.h"

namespace bt86::runtime {

using translator::Insn;
using translator::Kind;

namespace {

constexpr uint8_t kCallGate32 = 0xC, kCallGate16 = 0x4, kTaskGate = 0x5;
constexpr uint8_t kTss16Available = 0x1, kTss32Available = 0x9;

struct FarTarget {
  uint16_t selector;  // the code selector loaded into CS
  Descriptor code;
  uint32_t eip;
  unsigned push_size;  // CALL: bytes per pushed CS/EIP
  uint8_t cpl;         // the CPL after the transfer (lower: a call gate inward)
  uint8_t params = 0;  // call gate inward: dwords copied from the caller's stack
};

bool gp(Machine& m, uint32_t error) {
  m.raise(13, true, error & ~3u);
  return false;
}

// Checks the code segment a transfer lands in (same privilege only).
bool check_code(Machine& m, const Insn& in, uint16_t sel, const Descriptor& d, bool is_call,
                bool through_gate) {
  const uint8_t cpl = m.vcpu().cpl;
  if (!d.is_code() || d.system) return gp(m, sel);
  const bool conforming = d.type & 4;
  if (conforming) {
    if (d.dpl > cpl) return gp(m, sel);
  } else if (through_gate) {
    if (d.dpl > cpl) return gp(m, sel);
    if (d.dpl < cpl && !is_call) return gp(m, sel);  // JMP never changes privilege
  } else if ((sel & 3) > cpl || d.dpl != cpl) {
    return gp(m, sel);
  }
  if (!d.present) {
    m.raise(11, true, sel & ~3u);
    return false;
  }
  if (!d.db) return stop_unsupported(m, in, "a 16-bit code segment (D = 0)");
  return true;
}

// JMP or CALL to a TSS, or through a task gate (SDM JMP and CALL, TASK-GATE and
// TASK-STATE-SEGMENT): the TSS descriptor or gate must be visible at CPL and at the
// selector's RPL, else #GP(selector); a gate must be present, else #NP(gate); the TSS is then
// checked as for an interrupt. The far pointer's offset is not used.
bool far_task_switch(Machine& m, const Insn& in, uint16_t sel, const Descriptor& d, bool is_call) {
  if (d.dpl < m.vcpu().cpl || d.dpl < (sel & 3)) return gp(m, sel);
  uint16_t tss_sel = sel;
  if (d.type == kTaskGate) {
    if (!d.present) {
      m.raise(11, true, sel & ~3u);
      return false;
    }
    uint64_t raw = 0;
    if (!read_system(m, descriptor_address(m, sel), 8, &raw)) return false;
    tss_sel = decode_gate(raw).selector;
  }
  Descriptor tss;
  std::optional<Raise> r = incoming_tss(m, tss_sel, 0, &tss);
  if (!r)
    r = switch_task(m, TaskSwitch{tss_sel, tss, is_call ? TaskSource::kCall : TaskSource::kJmp,
                                  in.next_eip(), 0, std::nullopt});
  if (r && r->vector >= 0) m.raise(r->vector, true, r->error);
  return false;  // eip is set
}

std::optional<FarTarget> resolve(Machine& m, const Insn& in, uint16_t sel, uint32_t offset,
                                 bool is_call) {
  const uint8_t cpl = m.vcpu().cpl;
  const unsigned n = in.z.operand_width / 8;
  if ((sel & ~3u) == 0) return gp(m, 0), std::nullopt;
  auto d = read_descriptor(m, sel);
  if (!d) return gp(m, sel), std::nullopt;
  if (!d->system) {
    if (!check_code(m, in, sel, *d, is_call, false)) return std::nullopt;
    return FarTarget{uint16_t((sel & ~3u) | cpl), *d, n == 2 ? offset & 0xFFFF : offset, n, cpl};
  }
  if (d->type == kCallGate32 || d->type == kCallGate16) {
    if (d->dpl < cpl || d->dpl < (sel & 3)) return gp(m, sel), std::nullopt;
    if (!d->present) return m.raise(11, true, sel & ~3u), std::nullopt;
    if (d->type == kCallGate16) return stop_unsupported(m, in, "a 16-bit call gate"), std::nullopt;
    uint64_t raw = 0;
    if (!read_system(m, descriptor_address(m, sel), 8, &raw)) return std::nullopt;
    Gate gate = decode_gate(raw);
    uint16_t target = gate.selector;
    if ((target & ~3u) == 0) return gp(m, 0), std::nullopt;
    auto code = read_descriptor(m, target);
    if (!code) return gp(m, target), std::nullopt;
    if (!check_code(m, in, target, *code, is_call, true)) return std::nullopt;
    // A non-conforming target of lower DPL runs at its DPL (CALL only, checked above).
    const uint8_t new_cpl = (code->type & 4) ? cpl : std::min<uint8_t>(cpl, code->dpl);
    return FarTarget{uint16_t((target & ~3u) | new_cpl), *code, gate.offset, 4, new_cpl,
                     uint8_t(raw >> 32 & 0x1F)};
  }
  // A task switch is the whole transfer: nothing is left for the caller to do.
  if (d->type == kTaskGate || d->type == kTss16Available || d->type == kTss32Available)
    return far_task_switch(m, in, sel, *d, is_call), std::nullopt;
  return gp(m, sel), std::nullopt;
}

// Loads CS and sets the descriptor's accessed bit in its table, as the CPU does.
void commit_cs(Machine& m, const FarTarget& t) {
  mark_accessed(m, t.selector);
  m.vcpu().seg[kCS] = Segment{t.selector, t.code.base, t.code.limit, uint16_t(t.code.attrib | 1)};
}

// CALL through a gate to an inner level (SDM CALL, CALL-TO-INNER-PRIVILEGE-LEVEL): the
// TSS stack for the new level gets the caller's SS and ESP, the gate's parameter dwords
// copied from the caller's stack, then CS and EIP. Everything is read and checked first.
bool call_inward(Machine& m, const Insn& in, const FarTarget& t) {
  VcpuState& v = m.vcpu();
  StackSwitch stack;
  if (Raise r; !inner_stack(m, t.cpl, 0, &stack, &r)) {
    if (r.vector >= 0) m.raise(r.vector, true, r.error);
    return false;
  }
  uint32_t frame[4 + 31];
  int n = 0;
  frame[n++] = v.seg[kSS].selector;
  frame[n++] = v.gpr[4];
  for (int i = t.params - 1; i >= 0; --i) {  // highest parameter first
    uint64_t p = 0;
    if (!read_mem(m, stack_slot(v, 4 * i), 4, &p)) return false;
    frame[n++] = uint32_t(p);
  }
  frame[n++] = v.seg[kCS].selector;
  frame[n++] = in.next_eip();
  const Segment new_ss{stack.ss, stack.desc.base, stack.desc.limit, stack.desc.attrib};
  if (int vec = push_fault(new_ss, stack.esp, unsigned(n), 4)) {
    m.raise(vec, true, stack.ss & ~3u);
    return false;
  }
  if (t.eip > t.code.limit) return gp(m, 0);
  for (int i = 0; i < n; ++i) {
    const uint32_t esp = stack_offset(new_ss, stack.esp, -4 * (i + 1));
    if (!settle(m, write_linear(m, new_ss.base + esp, 4, frame[i], t.cpl == 3))) return false;
  }
  stack.esp = moved_esp(new_ss, stack.esp, -4 * n);
  mark_accessed(m, t.selector);
  enter_cpl(v, t.cpl, t.selector, t.code, &stack);
  v.eip = t.eip;
  return false;  // eip is set
}

}  // namespace

bool perform_far_transfer(Machine& m, const Insn& in, Kind k, uint16_t sel, uint32_t offset) {
  VcpuState& v = m.vcpu();
  const bool is_call = k == Kind::CallFar;
  auto t = resolve(m, in, sel, offset, is_call);
  if (!t) return false;
  if (t->cpl < v.cpl) return call_inward(m, in, *t);
  // The new EIP must be within the new CS's limit (#GP(0)); CALL checks its stack first.
  if (!is_call && t->eip > t->code.limit) return gp(m, 0);
  if (is_call) {
    // Both pushes are checked before ESP (SP) moves.
    const unsigned n = t->push_size;
    const SegAddr cs_slot = stack_slot(v, -int32_t(n)), eip_slot = stack_slot(v, -2 * int32_t(n));
    if (!check_access(m, cs_slot, n, Access::kWrite) ||
        !check_access(m, eip_slot, n, Access::kWrite))
      return false;
    if (t->eip > t->code.limit) return gp(m, 0);
    if (!write_mem(m, cs_slot, n == 4 ? 4 : 2, v.seg[kCS].selector) ||
        !write_mem(m, eip_slot, n, in.next_eip()))
      return false;
    move_sp(v, -2 * int32_t(n));
  }
  commit_cs(m, *t);
  v.eip = t->eip;
  return false;  // eip is set
}

}  // namespace bt86::runtime
