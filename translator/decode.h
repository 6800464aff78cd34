// Decoding guest bytes with Zydis (32-bit protected mode): one instruction at a time.
#pragma once

#include <Zydis/Zydis.h>

#include <cstdint>
#include <string>

namespace bt86::translator {

struct Insn {
  ZydisDecodedInstruction z;
  ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
  uint32_t eip = 0;
  uint8_t bytes[15] = {};

  uint32_t next_eip() const { return eip + z.length; }
  ZydisMnemonic mnemonic() const { return z.mnemonic; }
  // The first explicit memory operand, or nullptr.
  const ZydisDecodedOperand* mem_operand() const;
  bool uses_high_byte_reg() const;   // AH CH DH BH anywhere
  bool reads_or_writes_reg(ZydisRegister r32) const;  // any width alias of a GPR, implicit too
};

enum class DecodeStatus { kOk, kInvalid, kTruncated };

// Decodes the instruction at `bytes` (at most `avail` readable bytes) at guest `eip`.
DecodeStatus decode(const uint8_t* bytes, size_t avail, uint32_t eip, Insn* out);

// "mov eax, [ebx+4]" in Intel syntax, for messages and traces.
std::string format_insn(const Insn& insn);
std::string hex_bytes(const uint8_t* bytes, size_t n);

}  // namespace bt86::translator
