// The string family: MOVS STOS LODS CMPS SCAS run natively on host pointers.
//
// The window is 4 GiB-aligned, so window_base + guest ESI/EDI is a host pointer whose low
// 32 bits stay the guest value while the instruction runs: REP progress and DF need no
// emulation, and a fault mid-REP leaves architecturally correct ESI/EDI/ECX behind.
// The destination is ES:EDI, which 64-bit mode cannot redirect through GS, hence pointers.
#include "common/assert.h"
#include "runtime/vcpu.h"
#include "translator/emitter.h"
#include "translator/translate.h"

namespace bt86::translator {

namespace x86 = asmjit::x86;

namespace {

uint8_t base_opcode(Kind kind) {
  switch (kind) {
    case Kind::Movs: return 0xA4;
    case Kind::Cmps: return 0xA6;
    case Kind::Stos: return 0xAA;
    case Kind::Lods: return 0xAC;
    case Kind::Scas: return 0xAE;
    default: BT_ASSERT(false, "not a string kind"); return 0;
  }
}

}  // namespace

void Emitter::emit_string(const Insn& in, Kind kind) {
  // SI/DI/CX wrap at 16 bits, and a segment with a limit needs a check per element: both
  // rare enough for the monitor (runtime/monitor_string.cpp).
  bool through_limited = false;
  for (int i = 0; i < in.z.operand_count; ++i)
    if (in.ops[i].type == ZYDIS_OPERAND_TYPE_MEMORY &&
        seg_class(mode_, segment_index(in.ops[i].mem.segment)) == SegClass::kLimited)
      through_limited = true;
  if (in.z.address_width != 32 || through_limited) {
    emit_monitor_exit(in, kind);
    return;
  }
  const bool uses_si = kind == Kind::Movs || kind == Kind::Cmps || kind == Kind::Lods;
  const bool uses_di = kind != Kind::Lods;
  // Host pointers are window + linear address; a based segment's base is added to ESI/EDI
  // (32-bit lea) before and taken away (not, lea +1) after. A fault in between leaves
  // linear values, which the kStringBases fixup turns back into offsets.
  int src_seg = -1, dst_seg = -1;
  bool src_based = false, dst_based = false;
  for (int i = 0; i < in.z.operand_count; ++i) {
    const ZydisDecodedOperand& op = in.ops[i];
    if (op.type != ZYDIS_OPERAND_TYPE_MEMORY) continue;
    bool based = false;
    int seg = segment_index(op.mem.segment);
    if (!segment_usable(seg, &based)) return;
    bool is_dst = ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LEGACY_32, op.mem.base) ==
                  ZYDIS_REGISTER_EDI;
    (is_dst ? dst_seg : src_seg) = seg;
    (is_dst ? dst_based : src_based) = based;
  }
  if (src_based || dst_based) {
    side_.back().fixup = Fixup::kStringBases;
    side_.back().fixup_reg = uint8_t((src_based ? src_seg + 1 : 0) | (dst_based ? 8 : 0));
  }
  const bool rep = in.z.attributes & (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE |
                                      ZYDIS_ATTRIB_HAS_REPNE);

  a_.mov(x86::r14, x86::qword_ptr(x86::r13, runtime::vcpu_off::kWindowBase));
  if (uses_si) {
    if (src_based) {
      a_.mov(x86::r11d, x86::dword_ptr(x86::r13, runtime::vcpu_off::seg_base(src_seg)));
      a_.lea(x86::esi, x86::ptr(x86::esi, x86::r11d));
    } else {
      a_.mov(x86::esi, x86::esi);
    }
    a_.lea(x86::rsi, x86::ptr(x86::r14, x86::rsi));
  }
  if (uses_di) {
    if (dst_based) {
      a_.mov(x86::r10d, x86::dword_ptr(x86::r13, runtime::vcpu_off::seg_base(dst_seg)));
      a_.lea(x86::edi, x86::ptr(x86::edi, x86::r10d));
    } else {
      a_.mov(x86::edi, x86::edi);
    }
    a_.lea(x86::rdi, x86::ptr(x86::r14, x86::rdi));
  }
  if (rep) a_.mov(x86::ecx, x86::ecx);  // 64-bit addressing counts RCX

  uint8_t op = base_opcode(kind) + (in.z.operand_width == 8 ? 0 : 1);
  if (in.z.operand_width == 16) raw({0x66});
  if (in.z.attributes & ZYDIS_ATTRIB_HAS_REPNE) raw({0xF2});
  else if (rep) raw({0xF3});
  raw({op});

  if (uses_si) {
    a_.mov(x86::esi, x86::esi);
    if (src_based) {
      a_.not_(x86::r11d);
      a_.lea(x86::esi, x86::ptr(x86::esi, x86::r11d, 0, 1));  // esi - base
    }
  }
  if (uses_di) {
    a_.mov(x86::edi, x86::edi);
    if (dst_based) {
      a_.not_(x86::r10d);
      a_.lea(x86::edi, x86::ptr(x86::edi, x86::r10d, 0, 1));
    }
  }
}

}  // namespace bt86::translator
