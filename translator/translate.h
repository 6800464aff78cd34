// The block scanner: guest EIP + mode -> decoded instructions -> emitted, installed block.
#pragma once

#include <cstdint>
#include <cstdio>
#include <expected>
#include <functional>
#include <string>

#include "mmu/guest_ram.h"
#include "translator/block.h"
#include "translator/emitter.h"
#include "translator/tcache.h"

namespace bt86::translator {

// ModeKey bits: everything a translation depends on besides the guest bytes.
inline constexpr uint32_t kModeOneShot = 1u << 0;  // a single instruction, run once
inline constexpr uint32_t kModeCr0Mp = 1u << 1;    // CR0.MP: WAIT honours TS
inline constexpr uint32_t kModeCr0Em = 1u << 2;    // CR0.EM: x87 #NM, MMX/SSE #UD
inline constexpr uint32_t kModeCr0Ts = 1u << 3;    // CR0.TS: x87/MMX/SSE #NM
inline constexpr uint32_t kModeNoSse = 1u << 4;    // CR4.OSFXSR clear: SSE #UD
inline constexpr uint32_t kModeIfAllowed = 1u << 17;  // CPL <= IOPL: CLI/STI run inline
inline constexpr uint32_t kModeCpl0 = 1u << 18;       // CPL 0: POPF may change IOPL inline
inline constexpr uint32_t kModeSingleStep = 1u << 19; // EFLAGS.TF: one instruction per block,
                                                      // never chained, #DB after each
inline constexpr uint32_t kModeRdtscNative = 1u << 21;  // RDTSC may run as is: the guest TSC
                                                        // is the host's and CR4.TSD allows it
inline constexpr uint32_t kModeStack16 = 1u << 20;    // SS.B = 0: the stack pointer is SP

// How memory through each segment register is translated: two bits per register (ES CS
// SS DS FS GS, encoding order) from bit kModeSegShift.
enum class SegClass : uint32_t {
  kFlat = 0,     // base 0, 4 GiB limit, expand-up, writable: the zero-cost path
  kBased = 1,    // non-zero base, otherwise flat: the base is added with lea
  kNull = 2,     // null selector: any access raises #GP(0)
  kLimited = 3,  // a limit below 4 GiB, expand-down or read-only: not translated yet
};
inline constexpr int kModeSegShift = 5;

inline SegClass seg_class(ModeKey m, int seg) {
  return SegClass((m.bits >> (kModeSegShift + 2 * seg)) & 3);
}

// The mode key for the vCPU's current control registers and segment classes.
inline ModeKey make_mode(uint32_t cr0, uint32_t cr4, const SegClass (&segs)[6], bool one_shot,
                         bool if_allowed = true, bool cpl0 = true, bool single_step = false,
                         bool stack16 = false, bool rdtsc_native = false) {
  uint32_t bits = (cr0 & 0xE);  // MP EM TS sit at the same bit positions in CR0
  if (stack16) bits |= kModeStack16;
  if (rdtsc_native) bits |= kModeRdtscNative;
  if (single_step) bits |= kModeSingleStep;
  if (if_allowed) bits |= kModeIfAllowed;
  if (cpl0) bits |= kModeCpl0;
  if (!(cr4 & (1u << 9))) bits |= kModeNoSse;
  if (one_shot) bits |= kModeOneShot;
  for (int i = 0; i < 6; ++i) bits |= uint32_t(segs[i]) << (kModeSegShift + 2 * i);
  return ModeKey{bits};
}

// The segment register (ES=0 ... GS=5) a decoded memory operand goes through, or -1.
inline int segment_index(ZydisRegister r) {
  switch (r) {
    case ZYDIS_REGISTER_ES: return 0;
    case ZYDIS_REGISTER_CS: return 1;
    case ZYDIS_REGISTER_SS: return 2;
    case ZYDIS_REGISTER_DS: return 3;
    case ZYDIS_REGISTER_FS: return 4;
    case ZYDIS_REGISTER_GS: return 5;
    default: return -1;
  }
}

struct TranslateOptions {
  uint32_t max_insns = 64;
  bool verify = false;          // run the confinement verifier on every block
  bool count = false;           // --stats: count block entries and indirect branches
  bool inline_sensitive = true;  // CLI/STI/PUSHF/POPF inline; off: all go to the monitor
  FILE* trace_in_asm = nullptr;
  FILE* trace_out_asm = nullptr;
};

// Why a block could not be made: the VM stops with this message, unless the fetch of its
// first instruction page-faulted (then the dispatcher raises #PF).
struct TranslateFailure {
  uint32_t eip = 0;
  std::string message;
  bool page_fault = false;
  uint32_t fault_linear = 0;  // CR2
  uint32_t fault_error = 0;   // #PF error code
};

// Where code at a linear address lives: its guest-physical address, or the #PF error code
// of the fetch (kOutsideRam: mapped, but not to RAM). Paging off, linear = physical.
inline constexpr uint32_t kOutsideRam = ~0u;
using CodeMap = std::function<std::expected<uint32_t, uint32_t>(uint32_t linear)>;

class Translator {
 public:
  Translator(TCache& tc, const mmu::GuestRam& ram, const GlueAddrs& glue,
             TranslateOptions options)
      : tc_(tc), ram_(ram), glue_(glue), opt_(options) {}

  // Translates the block at linear `eip` (its bytes found through the code map).
  Result<Block*> translate(uint32_t eip, ModeKey mode);
  const TranslateFailure& last_failure() const { return failure_; }
  TranslateOptions& options() { return opt_; }
  void set_code_map(CodeMap map) { code_map_ = std::move(map); }

  // Guest bytes at linear `eip` (up to 15, fewer where RAM or a mapping ends). A fetch that
  // stops at a page that does not map sets *fault_linear/*fault_error (if given).
  size_t fetch(uint32_t eip, uint8_t* out, uint32_t* fault_linear = nullptr,
               uint32_t* fault_error = nullptr) const;
  // The guest-physical address of linear `eip` for code, or the fetch's #PF error code.
  std::expected<uint32_t, uint32_t> code_address(uint32_t eip) const {
    if (code_map_) return code_map_(eip);
    if (eip >= ram_.size()) return std::unexpected(kOutsideRam);
    return eip;
  }

 private:
  TCache& tc_;
  const mmu::GuestRam& ram_;
  GlueAddrs glue_;
  TranslateOptions opt_;
  TranslateFailure failure_;
  CodeMap code_map_;
};

}  // namespace bt86::translator
