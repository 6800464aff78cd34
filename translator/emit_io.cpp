// IN and OUT performed from translated code: a call into the monitor's port bus through
// the glue (runtime/glue.cpp, port_io), without leaving translated code. Used where the
// mode lets every port through (CPL <= IOPL, so the TSS I/O bitmap is not consulted);
// the block ends after the instruction, so that an interrupt the access raises (or a
// device that stopped the VM) is seen at the next block entry, where hardware would take
// it.
#include "runtime/vcpu.h"
#include "translator/emitter.h"

namespace bt86::translator {

namespace x86 = asmjit::x86;
namespace off = runtime::vcpu_off;

void Emitter::emit_port_io(const Insn& in, Kind kind) {
  const bool out = kind == Kind::Out;
  const ZydisDecodedOperand& port = in.ops[out ? 0 : 1];
  const ZydisDecodedOperand& data = in.ops[out ? 1 : 0];
  const uint32_t size = data.size / 8;
  const uint32_t op = size << 16 | (out ? 1u << 24 : 0);
  // EIP for the monitor's messages (--trace io names the instruction).
  a_.mov(x86::dword_ptr(x86::r13, off::kEip), in.eip);
  if (port.type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
    a_.mov(x86::r14d, uint32_t(port.imm.value.u & 0xFF) | op);
  } else {
    a_.movzx(x86::r14d, x86::dx);
    a_.lea(x86::r14d, x86::ptr(x86::r14d, int32_t(op)));  // flags untouched
  }
  if (out) a_.mov(x86::r15d, x86::eax);
  call_abs(glue_.port_io);
  if (out) return;
  switch (size) {
    case 1: a_.mov(x86::al, x86::r15b); break;
    case 2: a_.mov(x86::ax, x86::r15w); break;
    default: a_.mov(x86::eax, x86::r15d); break;
  }
}

}  // namespace bt86::translator
