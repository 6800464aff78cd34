// String instructions the translator hands over: those with 16-bit addressing (SI, DI, CX
// wrap at 64 KiB) and those through a segment that needs limit or type checks. Every REP
// form; CMPS/SCAS flags come from the host's own CMP.
#include "runtime/guest_access.h"
#include "runtime/machine.h"
#include "runtime/monitor.h"
#include "translator/translate.h"

namespace bt86::runtime {

using translator::Insn;
using translator::Kind;

namespace {

// The arithmetic flags of CMP a, b at `size` bytes, computed by the host CPU itself.
uint32_t cmp_flags(uint32_t a, uint32_t b, unsigned size) {
  uint32_t ah_of = 0;  // AH = LAHF (SF ZF AF PF CF), AL = OF
  switch (size) {
    case 1: asm("cmpb %b2, %b1\n\tlahf\n\tseto %%al" : "=&a"(ah_of) : "q"(a), "q"(b) : "cc"); break;
    case 2: asm("cmpw %w2, %w1\n\tlahf\n\tseto %%al" : "=&a"(ah_of) : "r"(a), "r"(b) : "cc"); break;
    default: asm("cmpl %2, %1\n\tlahf\n\tseto %%al" : "=&a"(ah_of) : "r"(a), "r"(b) : "cc"); break;
  }
  uint32_t flags = (ah_of >> 8) & (kFlagSF | kFlagZF | kFlagAF | kFlagPF | kFlagCF);
  if (ah_of & 1) flags |= kFlagOF;
  return flags;
}

}  // namespace

bool perform_string(Machine& m, const Insn& in, Kind k) {
  VcpuState& v = m.vcpu();
  const unsigned size = in.z.operand_width / 8;
  const uint32_t mask = in.z.address_width == 16 ? 0xFFFF : 0xFFFFFFFF;
  const bool rep = in.z.attributes & (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE);
  const bool repne = in.z.attributes & ZYDIS_ATTRIB_HAS_REPNE;
  const int32_t step = (v.eflags & kFlagDF) ? -int32_t(size) : int32_t(size);
  const bool compares = k == Kind::Cmps || k == Kind::Scas;
  const bool uses_si = k == Kind::Movs || k == Kind::Cmps || k == Kind::Lods;
  const bool uses_di = k != Kind::Lods;
  uint32_t& ecx = v.gpr[1];
  uint32_t& esi = v.gpr[6];
  uint32_t& edi = v.gpr[7];
  const uint32_t acc_mask = size == 1 ? 0xFF : size == 2 ? 0xFFFF : 0xFFFFFFFF;

  // The source segment may be overridden; the destination is always ES.
  int src_seg = kDS;
  for (int i = 0; i < in.z.operand_count; ++i) {
    const ZydisDecodedOperand& op = in.ops[i];
    if (op.type == ZYDIS_OPERAND_TYPE_MEMORY &&
        ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LEGACY_32, op.mem.base) ==
            ZYDIS_REGISTER_ESI)
      src_seg = translator::segment_index(op.mem.segment);
  }

  auto advance = [&](uint32_t& r) { r = (r & ~mask) | ((r + step) & mask); };
  while (!(rep || repne) || (ecx & mask) != 0) {
    // A fault leaves ECX/ESI/EDI as after the iterations completed, EIP at the instruction.
    uint64_t src = 0, dst = 0;
    if (uses_si && !read_mem(m, {src_seg, esi & mask}, size, &src)) return false;
    if (compares && !read_mem(m, {kES, edi & mask}, size, &dst)) return false;
    switch (k) {
      case Kind::Movs:
        if (!write_mem(m, {kES, edi & mask}, size, src)) return false;
        break;
      case Kind::Stos:
        if (!write_mem(m, {kES, edi & mask}, size, v.gpr[0] & acc_mask)) return false;
        break;
      case Kind::Lods: write_reg(m, size == 1 ? ZYDIS_REGISTER_AL : size == 2 ? ZYDIS_REGISTER_AX
                                                                          : ZYDIS_REGISTER_EAX,
                                 uint32_t(src));
        break;
      case Kind::Cmps:
      case Kind::Scas: {
        uint32_t a = k == Kind::Cmps ? uint32_t(src) : v.gpr[0] & acc_mask;
        v.eflags = (v.eflags & ~kArithFlags) | cmp_flags(a, uint32_t(dst), size);
        break;
      }
      default: return false;
    }
    if (uses_si) advance(esi);
    if (uses_di) advance(edi);
    if (!(rep || repne)) break;
    ecx = (ecx & ~mask) | ((ecx - 1) & mask);
    if (compares && rep && !(v.eflags & kFlagZF)) break;
    if (compares && repne && (v.eflags & kFlagZF)) break;
  }
  return true;
}

}  // namespace bt86::runtime
