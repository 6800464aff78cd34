// Control transfers the monitor performs: INT n, INT3, INTO, IRET, far JMP/CALL/RET, BOUND.
// Same-privilege forms only in this slice; the rest stop the VM with a clear message.
#include "runtime/descriptors.h"
#include "runtime/exceptions.h"
#include "runtime/guest_access.h"
#include "runtime/machine.h"
#include "runtime/monitor.h"

namespace bt86::runtime {

using translator::Insn;
using translator::Kind;

namespace {

// Loads CS for a far transfer at the current privilege level. false: raised or stopped.
bool load_code_segment(Machine& m, const Insn& in, uint16_t selector) {
  VcpuState& v = m.vcpu();
  if ((selector & ~3u) == 0) {
    m.raise(13, true, 0);
    return false;
  }
  auto d = read_descriptor(m, selector);
  if (!d || !d->is_code()) {
    m.raise(13, true, selector & ~3u);
    return false;
  }
  const bool conforming = d->type & 4;
  if ((conforming && d->dpl > v.cpl) || (!conforming && d->dpl != v.cpl)) {
    if (!conforming && (selector & 3) > v.cpl)
      return stop_unsupported(m, in, "a transfer to another privilege level");
    m.raise(13, true, selector & ~3u);
    return false;
  }
  if (!d->present) {
    m.raise(11, true, selector & ~3u);
    return false;
  }
  if (d->base != 0 || d->limit != 0xFFFFFFFF || !d->db)
    return stop_unsupported(m, in, "a code segment that is not flat 32-bit");
  v.seg[kCS] = Segment{uint16_t((selector & ~3u) | v.cpl), d->base, d->limit, d->attrib};
  return true;
}

// The far pointer of JMP/CALL far: an immediate ptr16:32 or a memory m16:32.
bool far_pointer(Machine& m, const Insn& in, uint16_t* sel, uint32_t* off) {
  const ZydisDecodedOperand& op = in.ops[0];
  if (op.type == ZYDIS_OPERAND_TYPE_POINTER) {
    *sel = op.ptr.segment;
    *off = op.ptr.offset;
    return true;
  }
  const SegAddr at = operand_address(m, in, op);
  const unsigned n = in.z.operand_width / 8;
  uint64_t o = 0, s = 0;
  if (!read_mem(m, at, n, &o) || !read_mem(m, at.plus(n), 2, &s)) return false;
  *off = uint32_t(o);
  *sel = uint16_t(s);
  return true;
}

bool iret(Machine& m, const Insn& in) {
  VcpuState& v = m.vcpu();
  if (v.eflags & kFlagNT) return stop_unsupported(m, in, "a task return (NT set)");
  const unsigned n = in.z.operand_width / 8;
  uint64_t eip = 0, cs = 0, fl = 0;
  if (!read_mem(m, stack_slot(v, 0), n, &eip) || !read_mem(m, stack_slot(v, n), n, &cs) ||
      !read_mem(m, stack_slot(v, 2 * n), n, &fl))
    return false;
  if ((cs & 3) != v.cpl) return stop_unsupported(m, in, "a return to another privilege level");
  if (n == 4 && (fl & kFlagVM)) return stop_unsupported(m, in, "a return to virtual-8086 mode");
  if (!load_code_segment(m, in, uint16_t(cs))) return false;
  uint32_t mask = kArithFlags | kFlagTF | kFlagIF | kFlagDF | kFlagIOPL | kFlagNT | kFlagRF |
                  kFlagAC | kFlagID | (3u << 19);
  if (n == 2) mask &= 0xFFFF;
  v.eflags = (v.eflags & ~mask) | (uint32_t(fl) & mask) | 0x2;
  v.gpr[4] += 3 * n;
  v.eip = uint32_t(eip);
  return false;  // eip is set: no "next"
}

}  // namespace

bool perform_control(Machine& m, const Insn& in, Kind k) {
  VcpuState& v = m.vcpu();
  switch (k) {
    case Kind::Int:
      deliver_exception(m, int(in.ops[0].imm.value.u & 0xFF), false, 0, true, in.next_eip());
      return false;
    case Kind::Int3:
      deliver_exception(m, 3, false, 0, true, in.next_eip());
      return false;
    case Kind::Int1:
      // ICEBP is delivered like a hardware #DB (a trap): the gate's DPL is not checked.
      deliver_exception(m, 1, false, 0, false, in.next_eip());
      return false;
    case Kind::Into:
      if (!(v.eflags & kFlagOF)) return true;
      deliver_exception(m, 4, false, 0, true, in.next_eip());
      return false;
    case Kind::Iret:
      return iret(m, in);
    case Kind::JmpFar:
    case Kind::CallFar: {
      uint16_t sel;
      uint32_t off;
      if (!far_pointer(m, in, &sel, &off)) return false;
      return perform_far_transfer(m, in, k, sel, off);
    }
    case Kind::RetFar: {
      const unsigned n = in.z.operand_width / 8;
      uint64_t eip = 0, cs = 0;
      if (!read_mem(m, stack_slot(v, 0), n, &eip) || !read_mem(m, stack_slot(v, n), n, &cs))
        return false;
      if ((cs & 3) != v.cpl) return stop_unsupported(m, in, "a return to another privilege level");
      if (!load_code_segment(m, in, uint16_t(cs))) return false;
      uint32_t extra = in.z.operand_count_visible ? uint32_t(in.ops[0].imm.value.u & 0xFFFF) : 0;
      v.gpr[4] += 2 * n + extra;
      v.eip = uint32_t(eip);
      return false;
    }
    case Kind::Bound: {
      const unsigned n = in.z.operand_width / 8;
      uint32_t index = read_reg(m, in.ops[0].reg.value);
      const SegAddr at = operand_address(m, in, in.ops[1]);
      uint64_t lo = 0, hi = 0;
      if (!read_mem(m, at, n, &lo) || !read_mem(m, at.plus(n), n, &hi)) return false;
      int32_t i = n == 2 ? int16_t(index) : int32_t(index);
      int32_t l = n == 2 ? int16_t(lo) : int32_t(lo);
      int32_t h = n == 2 ? int16_t(hi) : int32_t(hi);
      if (i < l || i > h) {
        m.raise(5);
        return false;
      }
      return true;
    }
    default:
      return false;
  }
}

}  // namespace bt86::runtime
