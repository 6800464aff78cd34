// One shared Zydis decoder and formatter for guest code.
#include "translator/decode.h"

#include <cstdio>
#include <cstring>

#include "common/assert.h"

namespace bt86::translator {

namespace {

const ZydisDecoder& decoder() {
  static ZydisDecoder d = [] {
    ZydisDecoder dec;
    ZyanStatus s = ZydisDecoderInit(&dec, ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_STACK_WIDTH_32);
    BT_ASSERT(ZYAN_SUCCESS(s), "ZydisDecoderInit failed: 0x%x", s);
    return dec;
  }();
  return d;
}

const ZydisFormatter& formatter() {
  static ZydisFormatter f = [] {
    ZydisFormatter fmt;
    ZydisFormatterInit(&fmt, ZYDIS_FORMATTER_STYLE_INTEL);
    return fmt;
  }();
  return f;
}

ZydisRegister gpr32_of(ZydisRegister r) {
  if (r == ZYDIS_REGISTER_NONE) return r;
  ZydisRegisterClass c = ZydisRegisterGetClass(r);
  if (c != ZYDIS_REGCLASS_GPR8 && c != ZYDIS_REGCLASS_GPR16 && c != ZYDIS_REGCLASS_GPR32)
    return ZYDIS_REGISTER_NONE;
  return ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LEGACY_32, r);
}

}  // namespace

DecodeStatus decode(const uint8_t* bytes, size_t avail, uint32_t eip, Insn* out) {
  size_t n = avail < 15 ? avail : 15;
  ZyanStatus s = ZydisDecoderDecodeFull(&decoder(), bytes, n, &out->z, out->ops);
  if (!ZYAN_SUCCESS(s)) {
    return (s == ZYDIS_STATUS_NO_MORE_DATA && n < 15) ? DecodeStatus::kTruncated
                                                      : DecodeStatus::kInvalid;
  }
  out->eip = eip;
  std::memcpy(out->bytes, bytes, out->z.length);
  return DecodeStatus::kOk;
}

const ZydisDecodedOperand* Insn::mem_operand() const {
  for (int i = 0; i < z.operand_count_visible; ++i)
    if (ops[i].type == ZYDIS_OPERAND_TYPE_MEMORY) return &ops[i];
  return nullptr;
}

bool Insn::uses_high_byte_reg() const {
  for (int i = 0; i < z.operand_count; ++i) {
    if (ops[i].type != ZYDIS_OPERAND_TYPE_REGISTER) continue;
    ZydisRegister r = ops[i].reg.value;
    if (r == ZYDIS_REGISTER_AH || r == ZYDIS_REGISTER_CH || r == ZYDIS_REGISTER_DH ||
        r == ZYDIS_REGISTER_BH)
      return true;
  }
  return false;
}

bool Insn::reads_or_writes_reg(ZydisRegister r32) const {
  for (int i = 0; i < z.operand_count; ++i) {
    const ZydisDecodedOperand& op = ops[i];
    if (op.type == ZYDIS_OPERAND_TYPE_REGISTER && gpr32_of(op.reg.value) == r32) return true;
    if (op.type == ZYDIS_OPERAND_TYPE_MEMORY &&
        (gpr32_of(op.mem.base) == r32 || gpr32_of(op.mem.index) == r32))
      return true;
  }
  return false;
}

std::string format_insn(const Insn& insn) {
  char buf[128];
  ZyanStatus s = ZydisFormatterFormatInstruction(&formatter(), &insn.z, insn.ops,
                                                 insn.z.operand_count_visible, buf, sizeof buf,
                                                 insn.eip, nullptr);
  return ZYAN_SUCCESS(s) ? std::string(buf) : std::string("(unformattable)");
}

std::string hex_bytes(const uint8_t* bytes, size_t n) {
  std::string out;
  char b[4];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(b, sizeof b, i ? " %02x" : "%02x", bytes[i]);
    out += b;
  }
  return out;
}

}  // namespace bt86::translator
