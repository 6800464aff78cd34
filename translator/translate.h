// The block scanner: guest EIP + mode -> decoded instructions -> emitted, installed block.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "mmu/guest_ram.h"
#include "translator/block.h"
#include "translator/emitter.h"
#include "translator/tcache.h"

namespace bt86::translator {

// ModeKey bits.
inline constexpr uint32_t kModeOneShot = 1u << 0;  // a single instruction, run once

struct TranslateOptions {
  uint32_t max_insns = 64;
  bool verify = false;          // run the confinement verifier on every block
  bool count = false;           // --stats: count block entries and indirect branches
  FILE* trace_in_asm = nullptr;
  FILE* trace_out_asm = nullptr;
};

// Why a block could not be made: the VM stops with this message.
struct TranslateFailure {
  uint32_t eip = 0;
  std::string message;
};

class Translator {
 public:
  Translator(TCache& tc, const mmu::GuestRam& ram, const GlueAddrs& glue,
             TranslateOptions options)
      : tc_(tc), ram_(ram), glue_(glue), opt_(options) {}

  // Paging is off in this slice: linear addresses are guest-physical.
  Result<Block*> translate(uint32_t eip, ModeKey mode);
  const TranslateFailure& last_failure() const { return failure_; }
  TranslateOptions& options() { return opt_; }

  // Guest bytes at `eip` (up to 15), or 0 where RAM ends.
  size_t fetch(uint32_t eip, uint8_t* out) const;

 private:
  TCache& tc_;
  const mmu::GuestRam& ram_;
  GlueAddrs glue_;
  TranslateOptions opt_;
  TranslateFailure failure_;
};

}  // namespace bt86::translator
