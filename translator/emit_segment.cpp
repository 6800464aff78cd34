// PUSH Sreg and MOV r, Sreg inline: they only read a selector from the vCPU state, so they
// need no monitor exit (Linux's system-call entry pushes DS, ES and FS every time).
// Loads of segment registers still go to the monitor: they read and check descriptors.
#include "runtime/vcpu.h"
#include "translator/emitter.h"
#include "translator/translate.h"

namespace bt86::translator {

namespace x86 = asmjit::x86;
namespace off = runtime::vcpu_off;

void Emitter::emit_selector_read(const Insn& in, Kind kind) {
  if (kind == Kind::MovFromSeg) {
    // To a 32-bit register the selector is zero-extended; a 16-bit one keeps its upper half.
    const int seg = segment_index(in.ops[1].reg.value);
    ZydisRegister dst = host_reg(in.ops[0].reg.value);
    ZydisEncoderOperand src = vmem(off::seg_selector(seg), 2);
    ins(in.ops[0].size == 32 ? ZYDIS_MNEMONIC_MOVZX : ZYDIS_MNEMONIC_MOV, {reg(dst), src}, false);
    return;
  }
  // PUSH Sreg, 32-bit operand size, flat stack: like current processors (and the monitor,
  // runtime/monitor_segment.cpp), a 16-bit write into the 4-byte slot. The slot is probed
  // first (rewritten with its own value), so a fault leaves ESP and memory as they were.
  const int seg = segment_index(in.ops[0].reg.value);
  x86::Mem slot = x86::dword_ptr(x86::r12d, -4);
  slot.setSegment(x86::gs);
  a_.mov(x86::r10d, slot);
  a_.mov(slot, x86::r10d);
  a_.mov(x86::r10w, x86::word_ptr(x86::r13, off::seg_selector(seg)));
  x86::Mem low = x86::word_ptr(x86::r12d, -4);
  low.setSegment(x86::gs);
  a_.mov(low, x86::r10w);
  a_.lea(x86::r12d, x86::ptr(x86::r12d, -4));
}

}  // namespace bt86::translator
