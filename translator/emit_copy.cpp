// The copy path: re-encode an innocuous guest instruction for 64-bit mode.
//
// Registers are renamed (ESP -> r12d); memory operands get GS and addr32 so that the CPU
// wraps the 32-bit guest address and adds the window base; absolute disp32 operands are
// encoded with a SIB byte (in 64-bit mode mod=00 rm=101 would be RIP-relative).
#include "runtime/vcpu.h"
#include "translator/emitter.h"
#include "translator/translate.h"

namespace bt86::translator {

namespace {

// Instructions whose only memory operand is implicit (not in the visible operands).
bool hidden_memory(ZydisMnemonic m) {
  return m == ZYDIS_MNEMONIC_XLAT || m == ZYDIS_MNEMONIC_MASKMOVQ ||
         m == ZYDIS_MNEMONIC_MASKMOVDQU;
}

// The guest's bytes as they are in 64-bit mode (no REX needed: only legacy registers),
// with GS and addr32 in place of its segment and address-size prefixes; operand-size and
// REP prefixes are kept.
void copy_with_gs_addr32(Emitter& e, const Insn& in) {
  e.raw({0x65, 0x67});
  size_t skip = 0;
  for (; skip < in.z.length; ++skip) {
    const uint8_t b = in.bytes[skip];
    if (b == 0x66 || b == 0xF2 || b == 0xF3) e.raw({b});
    else if (b != 0x26 && b != 0x2E && b != 0x36 && b != 0x3E && b != 0x64 && b != 0x65 &&
             b != 0x67)
      break;
  }
  e.as().embed(in.bytes + skip, in.z.length - skip);
}

// XLAT (reads seg:[EBX + AL]) and MASKMOVQ/MASKMOVDQU (write seg:[EDI]) through a
// segment with a base (and, if `limited`, a limit or type to check), or with a 16-bit
// address size (the offset wraps at 64 KiB; the guest's 0x67 would mean addr32 in 64-bit
// mode): the linear address is computed into a register and the instruction runs on it
// with GS and addr32. A flat segment (`add_base` false) adds no base.
void emit_hidden_memory_based(Emitter& e, const Insn& in, int seg, bool limited,
                              bool add_base) {
  namespace x = asmjit::x86;
  namespace off = runtime::vcpu_off;
  x::Assembler& a = e.as();
  const bool sixteen = in.z.address_width == 16;
  if (in.z.mnemonic == ZYDIS_MNEMONIC_XLAT) {
    a.movzx(x::r14d, x::al);
    a.lea(x::r14d, x::ptr(x::rbx, x::r14));
    if (sixteen) a.movzx(x::r14d, x::r14w);
    if (limited) e.emit_limit_check(seg, ZYDIS_REGISTER_R14D, 1, false, -1, in.eip);
    if (add_base) {
      a.mov(x::r11d, x::dword_ptr(x::r13, off::seg_base(seg)));
      a.lea(x::r14d, x::ptr(x::r14, x::r11));
    }
    e.ins(ZYDIS_MNEMONIC_MOV,
          {Emitter::reg(ZYDIS_REGISTER_AL), Emitter::gmem(ZYDIS_REGISTER_R14D, ZYDIS_REGISTER_NONE, 0, 0, 1)},
          true);
    return;
  }
  // EDI is borrowed for the linear address (saved in scratch[0]; a fault restores it).
  const unsigned size = in.z.mnemonic == ZYDIS_MNEMONIC_MASKMOVQ ? 8 : 16;
  a.mov(x::qword_ptr(x::r13, off::scratch(0)), x::rdi);
  e.side().back().fixup = Fixup::kRestoreBorrowed;
  e.side().back().fixup_reg = 7;
  if (sixteen) a.movzx(x::edi, x::di);
  else a.mov(x::edi, x::edi);  // the limit check reads all of RDI
  if (limited) e.emit_limit_check(seg, ZYDIS_REGISTER_EDI, size, true, 7, in.eip);
  if (add_base) {
    a.mov(x::r11d, x::dword_ptr(x::r13, off::seg_base(seg)));
    a.lea(x::edi, x::ptr(x::rdi, x::r11));
  }
  copy_with_gs_addr32(e, in);
  a.mov(x::rdi, x::qword_ptr(x::r13, off::scratch(0)));
}

}  // namespace

void Emitter::emit_divide_check(const Insn& in) {
  namespace x86 = asmjit::x86;
  const ZydisDecodedOperand& d = in.ops[0];
  const unsigned size = d.size / 8;
  const x86::Mem saved_rcx = x86::qword_ptr(x86::r13, runtime::vcpu_off::scratch(1));
  asmjit::Label zero = a_.newLabel(), go = a_.newLabel();
  // The divisor goes to ECX for JRCXZ (flag-free: DIV's flags are undefined, but a #DE
  // must push the flags of before the instruction). A memory divisor is loaded first,
  // into r11d (a fault there changes nothing); then no instruction here can fault.
  if (d.type == ZYDIS_OPERAND_TYPE_MEMORY) {
    MemOperand m;
    if (!guest_mem(in, d, false, &m)) return;
    ins(size == 4 ? ZYDIS_MNEMONIC_MOV : ZYDIS_MNEMONIC_MOVZX, {reg(ZYDIS_REGISTER_R11D), m.op},
        true);
    end_mem(m);
    a_.mov(saved_rcx, x86::rcx);
    a_.mov(x86::ecx, x86::r11d);
  } else {
    a_.mov(saved_rcx, x86::rcx);
    ins(size == 4 ? ZYDIS_MNEMONIC_MOV : ZYDIS_MNEMONIC_MOVZX,
        {reg(ZYDIS_REGISTER_ECX), reg(host_reg(d.reg.value))}, false);
  }
  a_.short_().jecxz(x86::rcx, zero);
  a_.mov(x86::rcx, saved_rcx);
  a_.jmp(go);
  a_.bind(zero);
  a_.mov(x86::rcx, saved_rcx);
  fault_exit(0, in.eip);
  a_.bind(go);
}

void Emitter::emit_copy(const Insn& in, Kind kind) {
  const ZydisDecodedInstruction& z = in.z;
  if (z.mnemonic == ZYDIS_MNEMONIC_DIV || z.mnemonic == ZYDIS_MNEMONIC_IDIV) {
    emit_divide_check(in);
    if (!ok()) return;
  }

  if (hidden_memory(z.mnemonic)) {
    for (int i = 0; i < z.operand_count; ++i) {
      bool based = false, limited = false;
      if (in.ops[i].type != ZYDIS_OPERAND_TYPE_MEMORY) continue;
      const int seg = segment_index(in.ops[i].mem.segment);
      if (!segment_usable(seg, &based, &limited)) return;
      if (based || limited || z.address_width == 16)
        return emit_hidden_memory_based(*this, in, seg, limited, based || limited);
    }
    // Flat segment, 32-bit address: the guest's address registers are the host's.
    copy_with_gs_addr32(*this, in);
    return;
  }

  if (z.mnemonic == ZYDIS_MNEMONIC_CLD || z.mnemonic == ZYDIS_MNEMONIC_STD) {
    // DF also goes to the vCPU's copy, which inline PUSHF reads (LAHF cannot see DF).
    raw({z.mnemonic == ZYDIS_MNEMONIC_CLD ? uint8_t(0xFC) : uint8_t(0xFD)});
    as().mov(asmjit::x86::byte_ptr(asmjit::x86::r13, runtime::vcpu_off::kVdf),
             z.mnemonic == ZYDIS_MNEMONIC_STD ? 1 : 0);
    return;
  }

  ZydisEncoderRequest req;
  if (!ZYAN_SUCCESS(ZydisEncoderDecodedInstructionToEncoderRequest(
          &z, in.ops, z.operand_count_visible, &req))) {
    fail("cannot build an encoder request for " + format_insn(in));
    return;
  }
  req.prefixes &= ~ZYDIS_ATTRIB_HAS_SEGMENT;
  if (kind == Kind::BitScanLegacy) {
    req.mnemonic = z.mnemonic == ZYDIS_MNEMONIC_TZCNT ? ZYDIS_MNEMONIC_BSF : ZYDIS_MNEMONIC_BSR;
    req.prefixes &= ~(ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE);
  }

  const bool is_lea = z.mnemonic == ZYDIS_MNEMONIC_LEA;
  const bool avoid_rex = in.uses_high_byte_reg();
  int mem_index = -1;
  for (int i = 0; i < req.operand_count; ++i) {
    ZydisEncoderOperand& op = req.operands[i];
    if (op.type == ZYDIS_OPERAND_TYPE_REGISTER) op.reg.value = host_reg(op.reg.value);
    if (op.type == ZYDIS_OPERAND_TYPE_MEMORY) mem_index = i;
  }

  if (mem_index < 0) {
    // A redundant 0x67 on an instruction without memory operands means nothing; Zydis would
    // still ask for 16-bit addressing, which 64-bit mode cannot encode.
    req.address_size_hint = ZYDIS_ADDRESS_SIZE_HINT_NONE;
    if (!encode(req, false)) fail("cannot re-encode " + format_insn(in));
    return;
  }

  const ZydisDecodedOperand& m = in.ops[mem_index];
  if (is_lea) {
    // LEA computes the address only: no GS. 16-bit addressing or an absolute address goes
    // through a temp and a plain MOV.
    bool absolute = m.mem.base == ZYDIS_REGISTER_NONE && m.mem.index == ZYDIS_REGISTER_NONE;
    if (z.address_width == 16 || absolute) {
      MemOperand addr;
      if (!guest_mem(in, m, false, &addr, /*address_only=*/true)) return;
      if (absolute) {
        // guest_mem returned [disp]; load the constant directly.
        // Zydis takes immediates signed at the operand's width.
        uint32_t v = uint32_t(m.mem.disp.value);
        int64_t value = z.operand_width == 16 ? int64_t(int16_t(v)) : int64_t(int32_t(v));
        ins(ZYDIS_MNEMONIC_MOV, {reg(host_reg(in.ops[0].reg.value)), imm(value)}, false);
        return;
      }
      ZydisRegister tmp = addr.op.mem.base;
      ZydisRegister dst = host_reg(in.ops[0].reg.value);
      if (z.operand_width == 16)
        tmp = ZydisRegisterEncode(ZYDIS_REGCLASS_GPR16, ZydisRegisterGetId(tmp));
      ins(ZYDIS_MNEMONIC_MOV, {reg(dst), reg(tmp)}, false);
      return;
    }
    ZydisEncoderOperand& op = req.operands[mem_index];
    op.mem.base = host_reg(m.mem.base);
    op.mem.index = host_reg(m.mem.index);
    req.address_size_hint = ZYDIS_ADDRESS_SIZE_HINT_32;
    if (!encode(req, false)) fail("cannot re-encode " + format_insn(in));
    return;
  }

  MemOperand mo;
  if (!guest_mem(in, m, avoid_rex, &mo)) return;
  mo.op.mem.size = req.operands[mem_index].mem.size;
  req.operands[mem_index] = mo.op;
  if (!encode(req, true)) fail("cannot re-encode " + format_insn(in));
  end_mem(mo);
}

}  // namespace bt86::translator
