// Flag effects from Zydis's per-instruction tables, folded along a case's code.
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

const ZydisDecoder& decoder() {
  static const ZydisDecoder d = [] {
    ZydisDecoder init;
    ZydisDecoderInit(&init, ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_STACK_WIDTH_32);
    return init;
  }();
  return d;
}

}  // namespace

std::optional<FlagEffect> flag_effect(std::span<const uint8_t> bytes) {
  ZydisDecodedInstruction insn;
  if (ZYAN_FAILED(
          ZydisDecoderDecodeInstruction(&decoder(), nullptr, bytes.data(), bytes.size(), &insn)))
    return std::nullopt;
  FlagEffect e;
  e.length = insn.length;
  e.is_branch = is_branch(insn);
  if (const ZydisAccessedFlags* f = insn.cpu_flags) {
    e.tested = f->tested & kComparedFlags;
    e.undefined = f->undefined & kComparedFlags;
    e.modified = (f->modified | f->set_0 | f->set_1 | f->undefined) & kComparedFlags;
    e.written = e.modified & ~e.undefined;
    if (writes_conditionally(insn.mnemonic) ||
        (insn.attributes & (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE | ZYDIS_ATTRIB_HAS_REPNE)))
      e.written = 0;  // a count of 0 writes nothing
  }
  return e;
}

uint32_t undefined_flags(std::span<const uint8_t> code, std::optional<uint32_t> stop_eip) {
  uint32_t straight = 0, all = 0;
  bool linear = true;
  for (size_t pos = 0; pos < code.size();) {
    if (linear && stop_eip && *stop_eip == kCodeAddr + pos) break;
    auto e = flag_effect(code.subspan(pos));
    if (!e) {
      linear = false;
      break;
    }
    pos += e->length;
    straight = e->after(straight);
    all |= e->undefined | ((e->tested & all) ? e->modified : 0);
    if (e->is_branch) linear = false;
  }
  return linear ? straight : all;
}

std::optional<uint32_t> first_undefined_flag_read(std::span<const uint8_t> code) {
  uint32_t undefined = 0;
  for (size_t pos = 0; pos < code.size();) {
    auto e = flag_effect(code.subspan(pos));
    if (!e || e->is_branch) return std::nullopt;
    if (e->tested & undefined) return kCodeAddr + static_cast<uint32_t>(pos);
    undefined = e->after(undefined);
    pos += e->length;
  }
  return std::nullopt;
}

}  // namespace bt86::diff
