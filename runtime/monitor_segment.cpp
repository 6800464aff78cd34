// Segment-register instructions: MOV to/from Sreg, PUSH/POP Sreg, LDS...LSS, ARPL.
// Loads check the descriptor as hardware does.
#include "runtime/descriptors.h"
#include "runtime/guest_access.h"
#include "runtime/machine.h"
#include "runtime/monitor.h"
#include "translator/translate.h"

namespace bt86::runtime {

using translator::Insn;
using translator::Kind;

namespace {

// Loads a data segment register (or SS) with `selector`. false: raised or stopped.
bool load_data_segment(Machine& m, const Insn& /*in*/, int seg, uint16_t selector) {
  VcpuState& v = m.vcpu();
  const uint32_t err = selector & ~3u;
  if (seg == kCS) {
    m.raise(6);  // MOV CS / POP CS do not exist
    return false;
  }
  if ((selector & ~3u) == 0) {
    if (seg == kSS) {
      m.raise(13, true, 0);
      return false;
    }
    v.seg[seg] = Segment{selector, 0, 0, 0};  // null: any use faults (not enforced yet)
    return true;
  }
  auto d = read_descriptor(m, selector);
  if (!d || d->system) {
    m.raise(13, true, err);
    return false;
  }
  const uint8_t rpl = selector & 3;
  if (seg == kSS) {
    bool writable_data = !d->is_code() && (d->type & 2);
    if (rpl != v.cpl || d->dpl != v.cpl || !writable_data) {
      m.raise(13, true, err);
      return false;
    }
    if (!d->present) {
      m.raise(12, true, err);
      return false;
    }
  } else {
    bool readable = !d->is_code() || (d->type & 2);
    bool conforming_code = d->is_code() && (d->type & 4);
    if (!readable || (!conforming_code && (rpl > d->dpl || v.cpl > d->dpl))) {
      m.raise(13, true, err);
      return false;
    }
    if (!d->present) {
      m.raise(11, true, err);
      return false;
    }
  }
  // Any base or limit loads; the translator's mode key decides how accesses through it run
  // (and names what it cannot run yet when the guest first uses it). The CPU sets the
  // descriptor's accessed bit in its table.
  mark_accessed(m, selector);
  v.seg[seg] = Segment{selector, d->base, d->limit, uint16_t(d->attrib | 1)};
  return true;
}

}  // namespace

bool perform_segment(Machine& m, const Insn& in, Kind k) {
  VcpuState& v = m.vcpu();
  switch (k) {
    case Kind::MovFromSeg: {
      uint16_t sel = v.seg[translator::segment_index(in.ops[1].reg.value)].selector;
      // To a register the selector is zero-extended; to memory 16 bits are written.
      return write_operand(m, in, 0, sel);
    }
    case Kind::PushSeg: {
      uint16_t sel = v.seg[translator::segment_index(in.ops[0].reg.value)].selector;
      const unsigned n = in.z.operand_width / 8;
      // With a 32-bit operand size current processors write 16 bits into the 4-byte slot.
      const SegAddr slot = stack_slot(v, -int32_t(n));
      if (!check_access(m, slot, n, Access::kWrite) || !write_mem(m, slot, 2, sel)) return false;
      move_sp(v, -int32_t(n));
      return true;
    }
    case Kind::MovToSeg: {
      uint32_t sel = 0;
      if (!read_operand(m, in, 1, &sel)) return false;
      const int seg = translator::segment_index(in.ops[0].reg.value);
      if (!load_data_segment(m, in, seg, uint16_t(sel))) return false;
      if (seg == kSS) v.interrupt_shadow = true;  // so that MOV ESP follows before any interrupt
      return true;
    }
    case Kind::PopSeg: {
      const unsigned n = in.z.operand_width / 8;
      uint64_t sel = 0;
      if (!read_mem(m, stack_slot(v, 0), n, &sel)) return false;
      const int seg = translator::segment_index(in.ops[0].reg.value);
      // The increment uses the stack's size before the load (POP SS may change it).
      const uint32_t esp = moved_esp(v.seg[kSS], v.gpr[4], int32_t(n));
      if (!load_data_segment(m, in, seg, uint16_t(sel))) return false;
      v.gpr[4] = esp;
      if (seg == kSS) v.interrupt_shadow = true;
      return true;
    }
    case Kind::LoadFarPtr: {
      static constexpr struct { ZydisMnemonic m; int seg; } kMap[] = {
          {ZYDIS_MNEMONIC_LDS, kDS}, {ZYDIS_MNEMONIC_LES, kES}, {ZYDIS_MNEMONIC_LFS, kFS},
          {ZYDIS_MNEMONIC_LGS, kGS}, {ZYDIS_MNEMONIC_LSS, kSS}};
      int seg = -1;
      for (auto e : kMap)
        if (e.m == in.z.mnemonic) seg = e.seg;
      const unsigned n = in.z.operand_width / 8;
      const SegAddr at = operand_address(m, in, in.ops[1]);
      uint64_t off = 0, sel = 0;
      if (!read_mem(m, at, n, &off) || !read_mem(m, at.plus(n), 2, &sel)) return false;
      if (!load_data_segment(m, in, seg, uint16_t(sel))) return false;
      write_reg(m, in.ops[0].reg.value, uint32_t(off));
      return true;
    }
    case Kind::Arpl: {
      uint32_t dst = 0, src = 0;
      if (!read_operand(m, in, 0, &dst) || !read_operand(m, in, 1, &src)) return false;
      if ((dst & 3) < (src & 3)) {
        v.eflags |= kFlagZF;
        return write_operand(m, in, 0, (dst & ~3u) | (src & 3));
      }
      v.eflags &= ~kFlagZF;
      return true;
    }
    default:
      return false;
  }
}

}  // namespace bt86::runtime
