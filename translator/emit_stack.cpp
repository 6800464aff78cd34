// The stack family: PUSH, POP, PUSHA, POPA, ENTER, LEAVE as explicit GS accesses on r12d.
//
// Restartable ordering: every load and store that can fault comes before the first write
// to a guest register, and ESP (r12d) moves last, with lea (flags untouched).
#include "common/assert.h"
#include "translator/emitter.h"

namespace bt86::translator {

namespace {

constexpr ZydisRegister kEsp = ZYDIS_REGISTER_R12D;
constexpr ZydisRegister kNone = ZYDIS_REGISTER_NONE;

ZydisRegister sized(ZydisRegister r32, unsigned bytes) {
  if (bytes == 4) return r32;
  return ZydisRegisterEncode(ZYDIS_REGCLASS_GPR16, ZydisRegisterGetId(r32));
}

}  // namespace

namespace {

ZydisEncoderOperand at_esp(const Emitter& e, int64_t disp, unsigned size) {
  return e.stack_mem(kEsp, disp, size);
}

void emit_push(Emitter& e, const Insn& in) {
  const unsigned n = in.z.operand_width / 8;
  const ZydisDecodedOperand& src = in.ops[0];
  ZydisRegister tmp = sized(ZYDIS_REGISTER_R15D, n);
  switch (src.type) {
    case ZYDIS_OPERAND_TYPE_REGISTER:
      // PUSH ESP stores the value before the push: r12d is still unchanged here.
      e.ins(ZYDIS_MNEMONIC_MOV, {at_esp(e, -int(n), n), Emitter::reg(Emitter::host_reg(src.reg.value))},
            true);
      break;
    case ZYDIS_OPERAND_TYPE_IMMEDIATE:
      e.ins(ZYDIS_MNEMONIC_MOV,
            {at_esp(e, -int(n), n), Emitter::imm(n == 2 ? int16_t(src.imm.value.s) : int32_t(src.imm.value.s))},
            true);
      break;
    case ZYDIS_OPERAND_TYPE_MEMORY: {
      // The source address is computed with ESP before the push.
      Emitter::MemOperand m;
      if (!e.guest_mem(in, src, false, &m)) return;
      m.op.mem.size = uint16_t(n);
      e.ins(ZYDIS_MNEMONIC_MOV, {Emitter::reg(tmp), m.op}, true);
      e.ins(ZYDIS_MNEMONIC_MOV, {at_esp(e, -int(n), n), Emitter::reg(tmp)}, true);
      break;
    }
    default:
      e.fail("unexpected PUSH operand");
      return;
  }
  e.lea32(kEsp, kEsp, -int(n));
}

void emit_pop(Emitter& e, const Insn& in) {
  const unsigned n = in.z.operand_width / 8;
  const ZydisDecodedOperand& dst = in.ops[0];
  if (dst.type == ZYDIS_OPERAND_TYPE_REGISTER) {
    ZydisRegister r = Emitter::host_reg(dst.reg.value);
    e.ins(ZYDIS_MNEMONIC_MOV, {Emitter::reg(r), at_esp(e, 0, n)}, true);
    // POP ESP: the popped value is the new ESP; no increment follows.
    if (dst.reg.value != ZYDIS_REGISTER_ESP && dst.reg.value != ZYDIS_REGISTER_SP)
      e.lea32(kEsp, kEsp, n);
    else if (dst.reg.value == ZYDIS_REGISTER_SP)
      e.fail("POP SP");  // would need a 16-bit merge into r12d; not seen in 32-bit code
    return;
  }
  // POP m: an ESP-based destination address is computed after the increment (SDM POP).
  ZydisRegister tmp = sized(ZYDIS_REGISTER_R15D, n);
  e.ins(ZYDIS_MNEMONIC_MOV, {Emitter::reg(tmp), at_esp(e, 0, n)}, true);
  ZydisDecodedOperand adjusted = dst;
  if (ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LEGACY_32, dst.mem.base) ==
      ZYDIS_REGISTER_ESP) {
    adjusted.mem.disp.has_displacement = true;
    adjusted.mem.disp.value += n;
  }
  Emitter::MemOperand m;
  if (!e.guest_mem(in, adjusted, false, &m)) return;
  m.op.mem.size = uint16_t(n);
  e.ins(ZYDIS_MNEMONIC_MOV, {m.op, Emitter::reg(tmp)}, true);
  e.lea32(kEsp, kEsp, n);
}

// PUSHA/PUSHAD: EAX ECX EDX EBX (original ESP) EBP ESI EDI, highest address first.
void emit_pusha(Emitter& e, const Insn& in) {
  const unsigned n = in.z.operand_width / 8;
  for (int g = 0; g < 8; ++g)
    e.ins(ZYDIS_MNEMONIC_MOV,
          {at_esp(e, -int(n) * (g + 1), n), Emitter::reg(sized(Emitter::host_gpr32(g), n))}, true);
  e.lea32(kEsp, kEsp, -8 * int(n));
}

// POPA/POPAD: probe both ends first so that no register changes before a fault.
void emit_popa(Emitter& e, const Insn& in) {
  const unsigned n = in.z.operand_width / 8;
  ZydisRegister probe = sized(ZYDIS_REGISTER_R15D, n);
  e.ins(ZYDIS_MNEMONIC_MOV, {Emitter::reg(probe), at_esp(e, 0, n)}, true);
  e.ins(ZYDIS_MNEMONIC_MOV, {Emitter::reg(probe), at_esp(e, 7 * n, n)}, true);
  for (int g = 7; g >= 0; --g) {
    if (g == 4) continue;  // the saved ESP is skipped
    e.ins(ZYDIS_MNEMONIC_MOV,
          {Emitter::reg(sized(Emitter::host_gpr32(g), n)), at_esp(e, (7 - g) * int(n), n)}, true);
  }
  e.lea32(kEsp, kEsp, 8 * int(n));
}

// ENTER imm16, level: any operand size and nesting level (masked to 5 bits). The stack is
// addressed with ESP/EBP (32-bit stack segment); a 16-bit ENTER moves words and writes BP.
void emit_enter(Emitter& e, const Insn& in) {
  const int n = in.z.operand_width / 8;
  const int64_t size = in.ops[0].imm.value.u & 0xFFFF;
  const int level = int(in.ops[1].imm.value.u & 31);
  ZydisRegister tmp = sized(ZYDIS_REGISTER_R15D, n);
  // frame_temp = ESP - n, after pushing EBP (BP).
  e.ins(ZYDIS_MNEMONIC_MOV, {at_esp(e, -n, n), Emitter::reg(sized(ZYDIS_REGISTER_EBP, n))}, true);
  for (int i = 1; i < level; ++i) {
    e.ins(ZYDIS_MNEMONIC_MOV,
          {Emitter::reg(tmp), e.stack_mem(ZYDIS_REGISTER_EBP, -n * i, n)},
          true);
    e.ins(ZYDIS_MNEMONIC_MOV, {at_esp(e, -n - n * i, n), Emitter::reg(tmp)}, true);
  }
  e.lea32(ZYDIS_REGISTER_R14D, kEsp, -n);
  if (level > 0)
    e.ins(ZYDIS_MNEMONIC_MOV, {at_esp(e, -n - n * level, n), Emitter::reg(sized(ZYDIS_REGISTER_R14D, n))},
          true);
  e.ins(ZYDIS_MNEMONIC_MOV,
        {Emitter::reg(sized(ZYDIS_REGISTER_EBP, n)), Emitter::reg(sized(ZYDIS_REGISTER_R14D, n))},
        false);
  e.lea32(kEsp, kEsp, -n - n * level - size);
}

// LEAVE: ESP = EBP, then POP EBP; the load comes first so a fault changes nothing.
void emit_leave(Emitter& e, const Insn& in) {
  const unsigned n = in.z.operand_width / 8;
  ZydisRegister tmp = sized(ZYDIS_REGISTER_R15D, n);
  e.ins(ZYDIS_MNEMONIC_MOV, {Emitter::reg(tmp), e.stack_mem(ZYDIS_REGISTER_EBP, 0, n)},
        true);
  e.lea32(kEsp, ZYDIS_REGISTER_EBP, n);
  e.ins(ZYDIS_MNEMONIC_MOV, {Emitter::reg(sized(ZYDIS_REGISTER_EBP, n)), Emitter::reg(tmp)}, false);
}

// With a limited SS, every stack byte the instruction touches is checked first (#SS(0)).
void check_stack_range(Emitter& e, const Insn& in, Kind kind) {
  const int n = in.z.operand_width / 8;
  switch (kind) {
    case Kind::Push: e.stack_check(kEsp, -n, n, true, in.eip); break;
    case Kind::Pop: e.stack_check(kEsp, 0, n, false, in.eip); break;
    case Kind::Pusha: e.stack_check(kEsp, -8 * n, 8 * n, true, in.eip); break;
    case Kind::Popa: e.stack_check(kEsp, 0, 8 * n, false, in.eip); break;
    case Kind::Enter: {
      const int64_t size = in.ops[0].imm.value.u & 0xFFFF;
      const int level = int(in.ops[1].imm.value.u & 31);
      // Frame pointers copied from [EBP - n*i], then everything down to the new ESP.
      if (level > 1) e.stack_check(ZYDIS_REGISTER_EBP, -n * (level - 1), n * (level - 1), false, in.eip);
      const int64_t total = n + int64_t(n) * level + size;
      e.stack_check(kEsp, -total, unsigned(total), true, in.eip);
      break;
    }
    case Kind::Leave: e.stack_check(ZYDIS_REGISTER_EBP, 0, n, false, in.eip); break;
    default: break;
  }
}

}  // namespace

void Emitter::emit_stack(const Insn& in, Kind kind) {
  check_stack_range(*this, in, kind);
  load_stack_base();
  switch (kind) {
    case Kind::Push: emit_push(*this, in); break;
    case Kind::Pop: emit_pop(*this, in); break;
    case Kind::Pusha: emit_pusha(*this, in); break;
    case Kind::Popa: emit_popa(*this, in); break;
    case Kind::Enter: emit_enter(*this, in); break;
    case Kind::Leave: emit_leave(*this, in); break;
    default: BT_ASSERT(false, "not a stack kind: %s", info(kind).name);
  }
}

}  // namespace bt86::translator
