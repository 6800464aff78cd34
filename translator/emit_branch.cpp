// The control-flow family: near JMP, Jcc, CALL, RET, LOOPcc and JECXZ.
//
// Direct targets leave through patchable rel32 jumps (chained by the dispatcher);
// indirect targets go into r15d and through the inline lookup table.
#include "common/assert.h"
#include "runtime/vcpu.h"
#include "translator/emitter.h"

namespace bt86::translator {

namespace x86 = asmjit::x86;

namespace {

constexpr ZydisRegister kEsp = ZYDIS_REGISTER_R12D;
constexpr ZydisRegister kNone = ZYDIS_REGISTER_NONE;

uint32_t relative_target(const Insn& in) {
  uint32_t t = in.next_eip() + uint32_t(in.ops[0].imm.value.s);
  return in.z.operand_width == 16 ? (t & 0xFFFF) : t;
}

void push_return(Emitter& e, const Insn& in) {
  const unsigned n = in.z.operand_width / 8;
  e.stack_check(kEsp, -int(n), n, true, in.eip);
  e.load_stack_base();
  uint32_t ret = in.next_eip();
  e.ins(ZYDIS_MNEMONIC_MOV,
        {e.stack_mem(kEsp, -int(n), n),
         Emitter::imm(n == 2 ? int16_t(ret) : int32_t(ret))},
        true);
  e.lea32(kEsp, kEsp, -int(n));
}

// r15d = the operand of JMP/CALL r/m (zero-extended when 16-bit).
bool load_target(Emitter& e, const Insn& in) {
  const ZydisDecodedOperand& op = in.ops[0];
  const bool word = in.z.operand_width == 16;
  ZydisMnemonic mov = word ? ZYDIS_MNEMONIC_MOVZX : ZYDIS_MNEMONIC_MOV;
  if (op.type == ZYDIS_OPERAND_TYPE_REGISTER)
    return e.ins(mov, {Emitter::reg(ZYDIS_REGISTER_R15D), Emitter::reg(Emitter::host_reg(op.reg.value))},
                 false);
  Emitter::MemOperand m;
  if (!e.guest_mem(in, op, false, &m)) return false;
  m.op.mem.size = word ? 2 : 4;
  return e.ins(mov, {Emitter::reg(ZYDIS_REGISTER_R15D), m.op}, true);
}

void emit_loop(Emitter& e, const Insn& in) {
  const uint32_t taken = relative_target(in);
  const uint32_t fall = in.next_eip();
  x86::Assembler& a = e.as();
  // A taken side beyond the CS limit raises #GP(0) at the LOOP with ECX as it was.
  auto taken_exit = [&] {
    if (!e.beyond_cs_limit(taken)) return e.direct_exit(taken);
    if (in.z.mnemonic != ZYDIS_MNEMONIC_JECXZ && in.z.mnemonic != ZYDIS_MNEMONIC_JCXZ) {
      if (in.z.address_width == 32) e.raw({0x8D, 0x49, 0x01});  // lea ecx,[rcx+1]
      else e.raw({0x66, 0x8D, 0x49, 0x01});                     // lea cx,[rcx+1]
    }
    e.fault_exit(13, in.eip);
  };
  if (in.z.address_width == 32) {
    // The host's own LOOPcc/JECXZ with addr32 test ECX; rel8 5 skips the fallthrough exit.
    uint8_t opc = in.z.mnemonic == ZYDIS_MNEMONIC_LOOP     ? 0xE2
                  : in.z.mnemonic == ZYDIS_MNEMONIC_LOOPE  ? 0xE1
                  : in.z.mnemonic == ZYDIS_MNEMONIC_LOOPNE ? 0xE0
                                                           : 0xE3;
    e.raw({0x67, opc, 0x05});
    e.direct_exit(fall);
    taken_exit();
    return;
  }
  // 16-bit addressing counts CX: decrement without flags, test with jrcxz on a copy.
  asmjit::Label zero = a.newLabel(), fallthrough = a.newLabel();
  if (in.z.mnemonic != ZYDIS_MNEMONIC_JCXZ) e.raw({0x66, 0x8D, 0x49, 0xFF});  // lea cx,[rcx-1]
  a.mov(x86::r11, x86::rcx);
  a.movzx(x86::ecx, x86::cx);
  a.short_().jecxz(x86::rcx, zero);
  a.mov(x86::rcx, x86::r11);
  if (in.z.mnemonic == ZYDIS_MNEMONIC_JCXZ) {
    e.direct_exit(fall);
    a.bind(zero);
    a.mov(x86::rcx, x86::r11);
    taken_exit();
    return;
  }
  if (in.z.mnemonic == ZYDIS_MNEMONIC_LOOPE) a.jne(fallthrough);
  if (in.z.mnemonic == ZYDIS_MNEMONIC_LOOPNE) a.je(fallthrough);
  taken_exit();
  a.bind(zero);
  a.mov(x86::rcx, x86::r11);
  a.bind(fallthrough);
  e.direct_exit(fall);
}

}  // namespace

void Emitter::emit_branch(const Insn& in, Kind kind) {
  const bool indirect = in.ops[0].type != ZYDIS_OPERAND_TYPE_IMMEDIATE;
  switch (kind) {
    case Kind::Jmp:
      if (!indirect && beyond_cs_limit(relative_target(in))) return fault_exit(13, in.eip);
      if (!indirect) return direct_exit(relative_target(in));
      if (!load_target(*this, in)) return;
      cs_limit_check_r15(in.eip);
      indirect_jump_r15();
      return;
    case Kind::Jcc: {
      // The taken side is a side exit; the block goes on along the fall-through path
      // (translate.cpp), so a loop with early exits stays one block.
      uint8_t cc = in.z.opcode & 0x0F;  // 7x rel8 and 0F 8x rel32 share the condition nibble
      if (beyond_cs_limit(relative_target(in))) return fault_exit_if(x86::CondCode(cc), 13, in.eip);
      direct_exit_jcc(x86::CondCode(cc), relative_target(in));
      return;
    }
    case Kind::Call:
      if (!indirect && beyond_cs_limit(relative_target(in))) return fault_exit(13, in.eip);
      if (!indirect) {
        push_return(*this, in);
        return direct_exit(relative_target(in));
      }
      // The target is read before the push (an ESP-relative operand sees the old ESP).
      if (!load_target(*this, in)) return;
      cs_limit_check_r15(in.eip);
      push_return(*this, in);
      indirect_jump_r15();
      return;
    case Kind::Ret: {
      const unsigned n = in.z.operand_width / 8;
      uint32_t extra = in.z.operand_count_visible > 0 ? uint32_t(in.ops[0].imm.value.u & 0xFFFF) : 0;
      stack_check(kEsp, 0, n, false, in.eip);
      load_stack_base();
      ins(n == 2 ? ZYDIS_MNEMONIC_MOVZX : ZYDIS_MNEMONIC_MOV,
          {reg(ZYDIS_REGISTER_R15D), stack_mem(kEsp, 0, n)}, true);
      cs_limit_check_r15(in.eip);
      lea32(kEsp, kEsp, n + extra);
      indirect_jump_r15();
      return;
    }
    case Kind::Loop:
    case Kind::Jcxz:
      emit_loop(*this, in);
      return;
    default:
      BT_ASSERT(false, "not a branch kind: %s", info(kind).name);
  }
}

}  // namespace bt86::translator
