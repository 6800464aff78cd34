// Far JMP and CALL at the same privilege level, directly to a code segment or through a
// 32-bit call gate (SDM vol. 2, JMP and CALL, protected-mode operation). Every check comes
// before any state changes, so a fault leaves the stack and registers as they were.
#include "runtime/descriptors.h"
#include "runtime/guest_access.h"
#include "runtime/machine.h"
#include "runtime/monitor.h"

namespace bt86::runtime {

using translator::Insn;
using translator::Kind;

namespace {

constexpr uint8_t kCallGate32 = 0xC, kCallGate16 = 0x4;

struct FarTarget {
  uint16_t selector;  // the code selector loaded into CS
  Descriptor code;
  uint32_t eip;
  unsigned push_size;  // CALL: bytes per pushed CS/EIP
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
    if (d.dpl < cpl) {
      if (is_call) return stop_unsupported(m, in, "a call gate to an inner privilege level");
      return gp(m, sel);
    }
  } else if ((sel & 3) > cpl || d.dpl != cpl) {
    return gp(m, sel);
  }
  if (!d.present) {
    m.raise(11, true, sel & ~3u);
    return false;
  }
  if (d.base != 0 || d.limit != 0xFFFFFFFF || !d.db)
    return stop_unsupported(m, in, "a code segment that is not flat 32-bit");
  return true;
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
    return FarTarget{uint16_t((sel & ~3u) | cpl), *d, n == 2 ? offset & 0xFFFF : offset, n};
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
    return FarTarget{uint16_t((target & ~3u) | cpl), *code, gate.offset, 4};
  }
  if (d->type == 5 || d->type == 1 || d->type == 9)
    return stop_unsupported(m, in, "a task switch"), std::nullopt;
  return gp(m, sel), std::nullopt;
}

// Loads CS and sets the descriptor's accessed bit in its table, as the CPU does.
void commit_cs(Machine& m, const FarTarget& t) {
  mark_accessed(m, t.selector);
  m.vcpu().seg[kCS] = Segment{t.selector, t.code.base, t.code.limit, uint16_t(t.code.attrib | 1)};
}

}  // namespace

bool perform_far_transfer(Machine& m, const Insn& in, Kind k, uint16_t sel, uint32_t offset) {
  VcpuState& v = m.vcpu();
  const bool is_call = k == Kind::CallFar;
  auto t = resolve(m, in, sel, offset, is_call);
  if (!t) return false;
  if (is_call) {
    // Both pushes are checked before ESP moves. PUSH CS writes 16 bits into its slot.
    const unsigned n = t->push_size;
    const SegAddr frame = stack_slot(v, -2 * int32_t(n));
    if (!check_access(m, frame, 2 * n, Access::kWrite) ||
        !write_mem(m, frame.plus(n), n == 4 ? 4 : 2, v.seg[kCS].selector) ||
        !write_mem(m, frame, n, in.next_eip()))
      return false;
    v.gpr[4] = frame.offset;
  }
  commit_cs(m, *t);
  v.eip = t->eip;
  return false;  // eip is set
}

}  // namespace bt86::runtime
