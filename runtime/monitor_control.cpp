// Control transfers the monitor performs: INT n, INT3, INTO, IRET, far JMP/CALL/RET, BOUND.
// Returns to an outer privilege level switch stacks and null the segments the new CPL may
// not use; IRET with NT set returns to the previous task (runtime/task_switch.cpp).
#include "runtime/descriptors.h"
#include "runtime/exceptions.h"
#include "runtime/fast_transfer.h"
#include "runtime/guest_access.h"
#include "runtime/machine.h"
#include "runtime/monitor.h"
#include "runtime/privilege.h"
#include "runtime/task_switch.h"

namespace bt86::runtime {

using translator::Insn;
using translator::Kind;

namespace {

// Loads CS for a return to `eip` at the current privilege level (any base and limit; the
// return EIP must be within the limit, else #GP(0)). false: raised or stopped.
bool load_code_segment(Machine& m, const Insn& in, uint16_t selector, uint32_t eip) {
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
  if (!d->db) return stop_unsupported(m, in, "a 16-bit code segment (D = 0)");
  if (eip > d->limit) {
    m.raise(13, true, 0);
    return false;
  }
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

// The code segment of a return to the outer level `rpl` (IRET, far RET): #GP(cs) unless a
// present code segment that level may run (non-conforming DPL = RPL, conforming DPL <= RPL).
std::optional<Descriptor> outer_code(Machine& m, const Insn& in, uint16_t cs) {
  auto d = read_descriptor(m, cs);
  if (m.stopped()) return std::nullopt;
  const uint8_t rpl = cs & 3;
  const bool conforming = d && (d->type & 4);
  if ((cs & ~3u) == 0 || !d || !d->is_code() || (conforming ? d->dpl > rpl : d->dpl != rpl)) {
    m.raise(13, true, cs & ~3u);
    return std::nullopt;
  }
  if (!d->present) {
    m.raise(11, true, cs & ~3u);
    return std::nullopt;
  }
  if (!d->db) {
    stop_unsupported(m, in, "a 16-bit code segment (D = 0)");
    return std::nullopt;
  }
  return d;
}

// The second half of a return to an outer level: SS:ESP from the old stack `at` bytes
// above ESP (checked), then CS, the stack and CPL switch, and ES/DS/FS/GS the new CPL may
// not use become null (SDM IRET and RET, RETURN-TO-OUTER-PRIVILEGE-LEVEL).
bool return_outer(Machine& m, const Insn& in, uint16_t cs, int32_t at, unsigned n,
                  uint32_t esp_adjust, uint32_t eflags, uint32_t eflags_mask, uint32_t eip) {
  VcpuState& v = m.vcpu();
  uint64_t outer[2];  // ESP, SS
  if (!read_stack_slots(m, at, 2, n, outer)) return false;
  const uint64_t esp = outer[0], ss = outer[1];
  auto code = outer_code(m, in, cs);
  if (!code) return false;
  const uint8_t rpl = cs & 3;
  Descriptor ss_desc;
  if (Raise r; !outer_stack(m, uint16_t(ss), rpl, &ss_desc, &r)) {
    if (r.vector >= 0) m.raise(r.vector, true, r.error);
    return false;
  }
  if (eip > code->limit) {
    m.raise(13, true, 0);
    return false;
  }
  v.eflags = (v.eflags & ~eflags_mask) | (eflags & eflags_mask) | 0x2;
  // RET imm16 releases the parameters with the new stack's SP or ESP.
  const Segment new_ss{uint16_t(ss), ss_desc.base, ss_desc.limit, ss_desc.attrib};
  StackSwitch stack{uint16_t(ss), ss_desc, moved_esp(new_ss, uint32_t(esp), int32_t(esp_adjust))};
  enter_cpl(v, rpl, cs, *code, &stack);
  null_inaccessible_segments(v);
  v.eip = eip;
  return false;  // eip is set
}

// IRET with NT set: nothing is popped; the task switch sets EIP, or raises its exception
// (in the new task's context if the switch had committed).
bool task_return(Machine& m, const Insn& in) {
  if (auto r = return_to_previous_task(m, in.next_eip()); r && r->vector >= 0)
    m.raise(r->vector, true, r->error);
  return false;  // eip is set
}

bool iret(Machine& m, const Insn& in) {
  VcpuState& v = m.vcpu();
  if (v.eflags & kFlagNT) return task_return(m, in);
  const unsigned n = in.z.operand_width / 8;
  uint64_t frame[3];  // EIP, CS, EFLAGS
  if (!read_stack_slots(m, 0, 3, n, frame)) return false;
  const uint64_t eip = frame[0], cs = frame[1], fl = frame[2];
  if (n == 4 && (fl & kFlagVM) && v.cpl == 0)
    return stop_unsupported(m, in, "a return to virtual-8086 mode");
  const uint32_t mask = iret_writable_flags(v, n);
  const uint8_t rpl = cs & 3;
  if (rpl < v.cpl) {
    m.raise(13, true, uint32_t(cs) & ~3u);
    return false;
  }
  if (rpl > v.cpl)
    return return_outer(m, in, uint16_t(cs), int32_t(3 * n), n, 0, uint32_t(fl), mask,
                        uint32_t(eip));
  if (!load_code_segment(m, in, uint16_t(cs), uint32_t(eip))) return false;
  v.eflags = (v.eflags & ~mask) | (uint32_t(fl) & mask) | 0x2;
  move_sp(v, int32_t(3 * n));
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
      if (in.z.operand_width == 32 && fast_iret(m)) return false;
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
      uint64_t frame[2];  // EIP, CS
      if (!read_stack_slots(m, 0, 2, n, frame)) return false;
      const uint64_t eip = frame[0], cs = frame[1];
      uint32_t extra = in.z.operand_count_visible ? uint32_t(in.ops[0].imm.value.u & 0xFFFF) : 0;
      if ((cs & 3) < v.cpl) {
        m.raise(13, true, uint32_t(cs) & ~3u);
        return false;
      }
      // RET imm16 to an outer level releases the parameters on both stacks.
      if ((cs & 3) > v.cpl)
        return return_outer(m, in, uint16_t(cs), int32_t(2 * n + extra), n, extra, 0, 0,
                            uint32_t(eip));
      if (!load_code_segment(m, in, uint16_t(cs), uint32_t(eip))) return false;
      move_sp(v, int32_t(2 * n + extra));
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
