// undefined_flags: Zydis's per-instruction flag tables folded along a case's code.
#include "tests/diff/flag_mask.h"

#include <Zydis/Zydis.h>

#include "tests/diff/diff_case.h"

namespace bt86::diff {

namespace {

bool is_branch(const ZydisDecodedInstruction& insn) {
  switch (insn.meta.category) {
    case ZYDIS_CATEGORY_COND_BR:
    case ZYDIS_CATEGORY_UNCOND_BR:
    case ZYDIS_CATEGORY_CALL:
    case ZYDIS_CATEGORY_RET:
      return true;
    default:
      return insn.mnemonic == ZYDIS_MNEMONIC_LOOP || insn.mnemonic == ZYDIS_MNEMONIC_LOOPE ||
             insn.mnemonic == ZYDIS_MNEMONIC_LOOPNE || insn.mnemonic == ZYDIS_MNEMONIC_JECXZ ||
             insn.mnemonic == ZYDIS_MNEMONIC_JCXZ;
  }
}

// Flags written only when the count is non-zero (REP-prefixed string ops are checked apart).
bool writes_conditionally(ZydisMnemonic m) {
  switch (m) {
    case ZYDIS_MNEMONIC_SHL:
    case ZYDIS_MNEMONIC_SHR:
    case ZYDIS_MNEMONIC_SAR:
    case ZYDIS_MNEMONIC_ROL:
    case ZYDIS_MNEMONIC_ROR:
    case ZYDIS_MNEMONIC_RCL:
    case ZYDIS_MNEMONIC_RCR:
    case ZYDIS_MNEMONIC_SHLD:
    case ZYDIS_MNEMONIC_SHRD:
      return true;
    default:
      return false;
  }
}

}  // namespace

uint32_t undefined_flags(std::span<const uint8_t> code, std::optional<uint32_t> stop_eip) {
  ZydisDecoder decoder;
  ZydisDecoderInit(&decoder, ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_STACK_WIDTH_32);
  uint32_t straight = 0, all = 0;
  bool linear = true;
  size_t pos = 0;
  while (pos < code.size()) {
    uint32_t eip = kCodeAddr + static_cast<uint32_t>(pos);
    if (linear && stop_eip && *stop_eip == eip) break;
    ZydisDecodedInstruction insn;
    if (ZYAN_FAILED(ZydisDecoderDecodeInstruction(&decoder, nullptr, code.data() + pos,
                                                  code.size() - pos, &insn))) {
      linear = false;
      break;
    }
    pos += insn.length;
    if (!insn.cpu_flags) continue;
    uint32_t undef = insn.cpu_flags->undefined;
    uint32_t written = insn.cpu_flags->modified | insn.cpu_flags->set_0 | insn.cpu_flags->set_1;
    if (writes_conditionally(insn.mnemonic) ||
        (insn.attributes & (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE | ZYDIS_ATTRIB_HAS_REPNE)))
      written = 0;  // a count of 0 writes nothing
    straight = (straight & ~written) | undef;
    all |= undef;
    if (is_branch(insn)) linear = false;
  }
  return (linear ? straight : all) & kComparedFlags;
}

}  // namespace bt86::diff
