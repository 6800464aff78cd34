// Scanning a block: where it ends, whether flags are live at its entry, and emission.
#include "translator/translate.h"

#include <vector>

#include "translator/classify.h"
#include "translator/disasm.h"
#include "translator/verifier.h"
#include "runtime/vcpu.h"

namespace bt86::translator {

namespace {

constexpr uint32_t kPage = 4096;
constexpr ZydisAccessedFlagsMask kArith = ZYDIS_CPUFLAG_CF | ZYDIS_CPUFLAG_PF | ZYDIS_CPUFLAG_AF |
                                 ZYDIS_CPUFLAG_ZF | ZYDIS_CPUFLAG_SF | ZYDIS_CPUFLAG_OF;

// With a 16-bit stack segment (SS.B = 0) implicit stack references use SP and wrap at
// 64 KiB, leaving ESP's upper half alone. The emitters' sequences move all of r12d, so
// the monitor performs every instruction that makes one (runtime/monitor_stack.cpp; the
// rows that are Monitor already use its 16-bit-aware stack helpers). Rare in 32-bit code,
// and decided here, at translation time: blocks of a 32-bit stack do not change.
bool stack16_to_monitor(Kind k, ModeKey mode) {
  if (!(mode.bits & kModeStack16)) return false;
  switch (k) {
    case Kind::Push: case Kind::Pop: case Kind::Pusha: case Kind::Popa: case Kind::Enter:
    case Kind::Leave: case Kind::Call: case Kind::Ret:
      return true;
    default:
      return false;
  }
}

// The row's treatment in this mode.
Treatment treatment_in(Kind k, ModeKey mode) {
  return stack16_to_monitor(k, mode) ? Treatment::Monitor : info(k).treatment;
}

// A block ends at an unconditional control transfer, a monitor exit or #UD. A conditional
// branch does not end it: its taken side is a side exit and scanning goes on.
bool ends_block(Kind k, ModeKey mode) {
  Treatment t = treatment_in(k, mode);
  if (k == Kind::Jcc) return false;
  return t == Treatment::Branch || t == Treatment::Monitor || t == Treatment::Undef;
}

// Sensitive rows performed inline in this mode instead of by the monitor: CLI and STI
// when CPL <= IOPL (they only write the virtual IF), 32-bit PUSHF (which only reads),
// 32-bit POPF at CPL 0, and RDTSC copied as is when the guest TSC is the host's.
bool performed_inline(const Insn& in, Kind k, ModeKey mode, bool enabled) {
  if (!enabled) return false;
  if (k == Kind::Cli || k == Kind::Sti) return mode.bits & kModeIfAllowed;
  // The inline sequences use SS:r12d: a flat, 32-bit stack.
  const bool flat_stack = seg_class(mode, 2) == SegClass::kFlat && !(mode.bits & kModeStack16);
  if (k == Kind::Pushf) return in.z.operand_width == 32 && flat_stack;
  if (k == Kind::Popf) return in.z.operand_width == 32 && (mode.bits & kModeCpl0) && flat_stack;
  if (k == Kind::Rdtsc) return mode.bits & kModeRdtscNative;
  // Reading a selector needs no check: PUSH Sreg (32-bit, flat stack) and MOV r32/r16, Sreg.
  if (k == Kind::PushSeg) return in.z.operand_width == 32 && flat_stack;
  if (k == Kind::MovFromSeg) return in.ops[0].type == ZYDIS_OPERAND_TYPE_REGISTER;
  return false;
}

// IN/OUT through the glue's port-bus call instead of an exit: where every port is open to
// the guest (CPL <= IOPL) and nothing needs to observe the instruction in the monitor.
bool port_io_inline(Kind k, ModeKey mode, bool enabled) {
  return enabled && (k == Kind::In || k == Kind::Out) && (mode.bits & kModeIfAllowed) &&
         !(mode.bits & (kModeOneShot | kModeSingleStep));
}

// Shifts and rotates by CL (or by an immediate that masks to 0) leave flags unchanged when
// the count is 0, so they do not count as writing flags.
bool count_may_be_zero(const Insn& in) {
  switch (in.z.mnemonic) {
    case ZYDIS_MNEMONIC_SHL: case ZYDIS_MNEMONIC_SHR: case ZYDIS_MNEMONIC_SAR:
    case ZYDIS_MNEMONIC_ROL: case ZYDIS_MNEMONIC_ROR: case ZYDIS_MNEMONIC_RCL:
    case ZYDIS_MNEMONIC_RCR: case ZYDIS_MNEMONIC_SHLD: case ZYDIS_MNEMONIC_SHRD: {
      const ZydisDecodedOperand& count = in.ops[in.z.operand_count_visible - 1];
      if (count.type != ZYDIS_OPERAND_TYPE_IMMEDIATE) return true;
      return (count.imm.value.u & 31) == 0;
    }
    default:
      return false;
  }
}

// True unless every arithmetic flag is overwritten before any is read. The emitter may
// clobber dead flags at block entry (one cmp instead of a flag-free sequence).
bool flags_live_at_entry(const std::vector<Insn>& insns, const std::vector<Kind>& kinds,
                         ModeKey mode, bool inline_enabled, size_t sti_to_monitor) {
  ZydisAccessedFlagsMask written = 0;
  for (size_t i = 0; i < insns.size(); ++i) {
    const Insn& in = insns[i];
    Treatment t = treatment_in(kinds[i], mode);
    if (i == sti_to_monitor) return true;  // an exit: the flags go with it
    if (kinds[i] == Kind::Pushf) return true;  // reads every flag
    if (kinds[i] == Kind::Popf && performed_inline(in, kinds[i], mode, inline_enabled)) return false;  // writes all
    if (performed_inline(in, kinds[i], mode, inline_enabled)) continue;  // CLI/STI touch no arithmetic flag
    if (t == Treatment::Monitor || t == Treatment::Undef) return true;
    const ZydisAccessedFlags* f = in.z.cpu_flags;
    if (f && (f->tested & kArith & ~written)) return true;
    // A side exit (Jcc) carries the flags out of the block: whatever is not yet written
    // there is live.
    if (kinds[i] == Kind::Jcc) return true;
    // "Undefined" flags are often left unchanged by the hardware (BT* on AMD): not written.
    if (f && !count_may_be_zero(in)) written |= (f->modified | f->set_0 | f->set_1) & ~f->undefined;
    if ((written & kArith) == kArith) return false;
  }
  return true;
}

}  // namespace

size_t Translator::fetch(uint32_t eip, uint8_t* out, uint32_t* fault_linear,
                         uint32_t* fault_error) const {
  // At most two pages: the one at eip and, for an instruction crossing its end, the next.
  size_t n = 0;
  while (n < 15) {
    const uint32_t at = eip + uint32_t(n);
    auto phys = code_address(at);
    if (!phys) {
      if (phys.error() != kOutsideRam) {
        if (fault_linear) *fault_linear = at;
        if (fault_error) *fault_error = phys.error();
      }
      break;
    }
    if (!ram_.contains(*phys, 1)) break;
    size_t chunk = std::min<uint64_t>({15 - n, kPage - (at % kPage), ram_.size() - *phys});
    ram_.read(*phys, out + n, chunk);
    n += chunk;
  }
  return n;
}

Result<Block*> Translator::translate(uint32_t eip, ModeKey mode) {
  const bool one_shot = mode.bits & kModeOneShot;
  // SS may have any base, limit and size (a 16-bit one: see stack16_to_monitor).
  if (seg_class(mode, 2) == SegClass::kNull) {
    failure_ = {eip, "a null stack segment is not supported yet"};
    return fail("%s", failure_.message.c_str());
  }
  // EIPs are offsets in CS: bytes are fetched at linear cs_base + EIP, and blocks end at
  // linear page boundaries. The dispatcher raises #GP(0) for an EIP beyond the limit.
  const uint32_t cs_base = mode.cs_base, cs_limit = mode.cs_limit;
  if (eip > cs_limit) {
    failure_ = {eip, strfmt("EIP 0x%08x is beyond the CS limit 0x%08x", eip, cs_limit)};
    return fail("%s", failure_.message.c_str());
  }
  const bool stepping = mode.bits & kModeSingleStep;
  uint32_t limit = (one_shot || stepping) ? 1 : opt_.max_insns;
  std::vector<Insn> insns;
  std::vector<Kind> kinds;
  uint32_t pc = eip;
  bool crosses_page = false;
  bool beyond_cs_limit = false;  // the instruction at pc does not fit below the CS limit
  size_t sti_to_monitor = SIZE_MAX;  // an STI left to the monitor (see below)
  while (insns.size() < limit) {
    if (!insns.empty() && ((cs_base + pc) / kPage) != ((cs_base + eip) / kPage)) break;
    if (pc > cs_limit || pc < eip) {  // ran off the end of CS (or wrapped around 4 GiB)
      beyond_cs_limit = pc > cs_limit;
      break;
    }
    uint8_t bytes[15];
    uint32_t fault_linear = 0, fault_error = kOutsideRam;
    size_t n = fetch(cs_base + pc, bytes, &fault_linear, &fault_error);
    // Only bytes up to the CS limit may be fetched: an instruction that needs more raises
    // #GP(0) (before any #PF on the bytes beyond the limit).
    const uint64_t in_limit = uint64_t(cs_limit) - pc + 1;
    const bool clamped = n >= in_limit;
    if (clamped) n = size_t(in_limit);
    Insn in;
    DecodeStatus st = n ? decode(bytes, n, pc, &in) : DecodeStatus::kTruncated;
    if (st == DecodeStatus::kTruncated && clamped) {
      beyond_cs_limit = true;
      break;
    }
    if (st == DecodeStatus::kTruncated) {
      if (insns.empty() && fault_error != kOutsideRam) {
        failure_ = {pc, strfmt("instruction fetch at 0x%08x page-faults", fault_linear), true,
                    fault_linear, fault_error};
        return fail("%s", failure_.message.c_str());
      }
      if (insns.empty()) {
        failure_ = {pc, strfmt("guest executes at 0x%08x, outside RAM (%llu MiB)", pc,
                               (unsigned long long)(ram_.size() >> 20))};
        return fail("%s", failure_.message.c_str());
      }
      break;  // stop before it; the next block reports it if it is really executed
    }
    if (st == DecodeStatus::kInvalid) {
      // The CPU raises #UD when it reaches these bytes: emit exactly that.
      in = Insn{};
      in.eip = pc;
      in.z.length = 1;
      in.z.mnemonic = ZYDIS_MNEMONIC_UD2;
      std::memcpy(in.bytes, bytes, std::min<size_t>(n, 15));
      insns.push_back(in);
      kinds.push_back(Kind::Undef);
      break;
    }
    Kind k = classify(in);
    // An instruction this mode makes fault before it executes (#NM or #UD for x87/MMX/SSE
    // under CR0/CR4, #GP(0) through a null segment): the monitor raises it.
    if (treatment_in(k, mode) != Treatment::Monitor && mode_exception(in, mode) >= 0)
      k = Kind::Undef;
    insns.push_back(in);
    kinds.push_back(k);
    // An interrupt that inline STI or POPF enables is taken at the next block entry: end
    // the block right after POPF, and after the one instruction that follows STI (its
    // shadow). Only a page boundary can end the block before STI's shadow.
    const bool sets_if = (k == Kind::Sti || k == Kind::Popf) &&
                         performed_inline(in, k, mode, opt_.inline_sensitive);
    if (sets_if && !one_shot && !stepping)
      limit = uint32_t(insns.size()) + (k == Kind::Sti ? 1 : 0);
    // Where the shadow instruction cannot follow STI in this block (the next page, a
    // one-instruction block), the monitor performs STI and the dispatcher keeps the shadow.
    if (k == Kind::Sti && sets_if &&
        (one_shot || stepping ||
         ((cs_base + in.next_eip()) / kPage) != ((cs_base + eip) / kPage))) {
      sti_to_monitor = insns.size() - 1;
      limit = uint32_t(insns.size());
    }
    // The block ends after a port access performed inline (emit_io.cpp says why).
    if (port_io_inline(k, mode, opt_.inline_sensitive)) limit = uint32_t(insns.size());
    pc = in.next_eip();
    if (((cs_base + in.eip) / kPage) != ((cs_base + pc - 1) / kPage)) crosses_page = true;
    bool to_monitor = info(k).treatment == Treatment::String && in.z.address_width != 32;
    if ((ends_block(k, mode) && !performed_inline(in, k, mode, opt_.inline_sensitive) &&
         !port_io_inline(k, mode, opt_.inline_sensitive)) ||
        to_monitor || crosses_page)
      break;
  }

  if (opt_.trace_in_asm) {
    std::fprintf(opt_.trace_in_asm, "IN: 0x%08x\n", eip);
    for (const Insn& in : insns)
      std::fprintf(opt_.trace_in_asm, "0x%08x:  %-24s %s\n", in.eip,
                   hex_bytes(in.bytes, in.z.length).c_str(), format_insn(in).c_str());
    std::fputc('\n', opt_.trace_in_asm);
  }

  auto salt = tc_.salt(mode);
  if (!salt) {  // more modes than the inline table has salts: start afresh
    tc_.flush();
    salt = tc_.salt(mode);
  }
  Emitter e(tc_.next_address(), glue_, tc_, mode);
  e.set_ibl_salt(*salt);
  e.set_counting(opt_.count);
  e.begin_block(eip, flags_live_at_entry(insns, kinds, mode, opt_.inline_sensitive,
                                         sti_to_monitor));
  bool ended = false;
  for (size_t i = 0; i < insns.size(); ++i) {
    const Insn& in = insns[i];
    Kind k = kinds[i];
    e.begin_insn(in);
    switch (treatment_in(k, mode)) {
      case Treatment::Copy: e.emit_copy(in, k); break;
      case Treatment::Stack: e.emit_stack(in, k); break;
      case Treatment::String:
        e.emit_string(in, k);
        if (in.z.address_width != 32) ended = true;  // the monitor performs it
        break;
      case Treatment::Branch:
        e.emit_branch(in, k);
        ended = ends_block(k, mode);
        break;
      case Treatment::Monitor:
        if (i != sti_to_monitor && performed_inline(in, k, mode, opt_.inline_sensitive)) {
          if (k == Kind::Pushf) {
            e.emit_pushf_inline();
            break;
          }
          if (k == Kind::Popf) {
            e.emit_popf_inline(in.eip);
            break;
          }
          if (k == Kind::PushSeg || k == Kind::MovFromSeg) {
            e.emit_selector_read(in, k);
            break;
          }
          if (k == Kind::Rdtsc) {  // writes EDX:EAX (zero-extended), no flags
            e.emit_copy(in, k);
            break;
          }
          e.emit_cli_sti_inline(k == Kind::Sti);
          break;
        }
        if (port_io_inline(k, mode, opt_.inline_sensitive)) {
          e.emit_port_io(in, k);
          break;
        }
        e.emit_monitor_exit(in, k);
        ended = true;
        break;
      case Treatment::Undef: e.emit_monitor_exit(in, k); ended = true; break;
    }
    if (!e.ok()) {
      failure_ = {in.eip, strfmt("cannot translate %s (%s) at 0x%08x: %s",
                                 format_insn(in).c_str(), hex_bytes(in.bytes, in.z.length).c_str(),
                                 in.eip, e.error().c_str())};
      return fail("%s", failure_.message.c_str());
    }
  }
  if (beyond_cs_limit) {
    // Fetching the instruction at pc would cross the CS limit: #GP(0) there.
    Insn at{};
    at.eip = pc;
    e.begin_insn(at);
    e.fault_exit(13, pc);
  } else if (!ended) {
    e.end_with_jump(pc);
  }
  e.finish();

  asmjit::CodeHolder& code = e.code();
  code.flatten();
  code.resolveUnresolvedLinks();
  code.relocateToBase(tc_.next_address());
  size_t size = code.codeSize();
  if (size > tc_.free_bytes()) return fail("translation cache full");
  std::vector<uint8_t> bytes(size);
  code.copyFlattenedData(bytes.data(), size);

  Block proto;
  proto.eip = eip;
  proto.mode = mode;
  proto.ibl_salt = *salt;
  proto.one_shot = one_shot;
  proto.unlinked = stepping;
  proto.insn_count = uint32_t(insns.size());
  // The bytes the block depends on: its instructions, and up to the CS limit the bytes of
  // one that does not fit below it.
  const uint32_t end = beyond_cs_limit && pc <= cs_limit ? cs_limit + 1 : pc;
  proto.guest_size = end - eip;
  proto.entry_off = e.entry_off();
  proto.body_end = e.body_end();
  // Guest-physical pages (the code map succeeded for every byte fetched).
  const uint32_t first = cs_base + eip, last = cs_base + end - 1;
  proto.pages[0] = *code_address(first) / kPage;
  if (end != eip && (crosses_page || (last / kPage) != first / kPage))
    proto.pages[1] = *code_address(last) / kPage;
  proto.side = std::move(e.side());

  if (opt_.verify) {
    std::string why;
    if (!verify_block(bytes.data(), size, tc_.next_address(), glue_, &why)) {
      failure_ = {eip, "translation verifier rejected the block at 0x" + strfmt("%08x", eip) +
                           ": " + why};
      return fail("%s", failure_.message.c_str());
    }
  }
  Block* b = tc_.install(std::move(proto), bytes.data(), size, e.exits());
  if (opt_.trace_out_asm) {
    std::fprintf(opt_.trace_out_asm, "OUT: [size=%u] 0x%08x\n", b->code_size, eip);
    disassemble_host(opt_.trace_out_asm, b->code, b->code_size);
    std::fputc('\n', opt_.trace_out_asm);
  }
  return b;
}

}  // namespace bt86::translator
