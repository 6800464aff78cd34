// Port I/O: IN, OUT, INS, OUTS (every REP form) on the machine's port bus.
#include "runtime/glue.h"
#include "runtime/guest_access.h"
#include "runtime/machine.h"
#include "runtime/monitor.h"
#include "runtime/privilege.h"
#include "runtime/signals.h"
#include "translator/translate.h"

namespace bt86::runtime {

using translator::Insn;
using translator::Kind;

namespace {

uint16_t port_operand(Machine& m, const ZydisDecodedOperand& op) {
  return op.type == ZYDIS_OPERAND_TYPE_IMMEDIATE ? uint16_t(op.imm.value.u)
                                                 : uint16_t(m.vcpu().gpr[2]);  // DX
}

// INS/OUTS: one or ECX (CX) iterations, ESI/EDI stepping by DF.
bool string_io(Machine& m, const Insn& in, bool is_in) {
  VcpuState& v = m.vcpu();
  const unsigned size = in.z.operand_width / 8;
  const bool rep = in.z.attributes & (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE |
                                      ZYDIS_ATTRIB_HAS_REPNE);
  const bool a16 = in.z.address_width == 16;
  const uint32_t mask = a16 ? 0xFFFF : 0xFFFFFFFF;
  const int32_t step = (v.eflags & kFlagDF) ? -int32_t(size) : int32_t(size);
  const uint16_t port = uint16_t(v.gpr[2]);
  if (!io_permitted(m, port, size)) return false;
  uint32_t& idx = v.gpr[is_in ? 7 : 6];  // EDI for INS, ESI for OUTS
  int outs_seg = kDS;  // OUTS may override DS; INS always writes through ES
  for (int i = 0; i < in.z.operand_count; ++i)
    if (in.ops[i].type == ZYDIS_OPERAND_TYPE_MEMORY && !is_in)
      outs_seg = translator::segment_index(in.ops[i].mem.segment);
  while (!rep || (v.gpr[1] & mask) != 0) {
    if (is_in) {
      // The destination is checked before the port is read (reads can have side effects).
      const SegAddr dst{kES, idx & mask};
      if (!check_access(m, dst, size, Access::kWrite)) return false;
      if (!write_mem(m, dst, size, m.ports().read(port, size))) return false;
    } else {
      uint64_t value = 0;
      if (!read_mem(m, {outs_seg, idx & mask}, size, &value)) return false;
      m.ports().write(port, size, uint32_t(value));
    }
    idx = (idx & ~mask) | ((idx + step) & mask);
    if (!rep) break;
    v.gpr[1] = (v.gpr[1] & ~mask) | ((v.gpr[1] - 1) & mask);
    if (m.stopped()) return false;
  }
  return true;
}

}  // namespace

bool perform_io(Machine& m, const Insn& in, Kind k) {
  switch (k) {
    case Kind::In: {
      uint16_t port = port_operand(m, in.ops[1]);
      unsigned size = in.ops[0].size / 8;
      if (!io_permitted(m, port, size)) return false;
      write_reg(m, in.ops[0].reg.value, m.ports().read(port, size));
      return !m.stopped();
    }
    case Kind::Out: {
      uint16_t port = port_operand(m, in.ops[0]);
      unsigned size = in.ops[1].size / 8;
      if (!io_permitted(m, port, size)) return false;
      m.ports().write(port, size, read_reg(m, in.ops[1].reg.value));
      // A device may have stopped the VM (isa-debug-exit); the OUT itself completed.
      m.vcpu().eip = in.next_eip();
      return !m.stopped();
    }
    case Kind::Ins: return string_io(m, in, true);
    case Kind::Outs: return string_io(m, in, false);
    default: return false;
  }
}

uint32_t port_io_from_block(VcpuState* v, uint32_t op, uint32_t value) {
  Machine& m = *running_machine();
  const uint16_t port = uint16_t(op);
  const unsigned size = (op >> 16) & 0xFF;
  const bool out = op & (1u << 24);
  m.stats().port_io_inline++;
  uint32_t result = 0;
  if (out) m.ports().write(port, size, value & (size == 4 ? ~0u : (1u << (8 * size)) - 1));
  else result = m.ports().read(port, size);
  // The block ends after this instruction; its next entry must reach the dispatcher when
  // the access stopped the VM or asserted an interrupt the guest's IF lets in.
  if (m.stopped() || (v->vif && v->intr)) v->pending = 1;
  return result;
}

}  // namespace bt86::runtime
