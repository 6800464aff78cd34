// The block emitter: turns decoded guest instructions into host code for one block.
//
// Register map while translated code runs (DESIGN.md §2.2):
//   guest eax ecx edx ebx ebp esi edi = host rax rcx rdx rbx rbp rsi rdi (low halves)
//   guest esp = r12d;  r13 = VcpuState*;  r8-r11, r14, r15 = scratch
//   r15d carries an indirect branch target into the inline lookup.
// Guest arithmetic flags and DF live in host RFLAGS: every emitted sequence keeps them
// (lea, mov, movzx and jrcxz only) unless it performs the guest instruction itself.
#pragma once

#include <Zydis/Zydis.h>
#include <asmjit/x86.h>

#include <cstdint>
#include <string>
#include <vector>

#include "translator/block.h"
#include "translator/decode.h"
#include "translator/insn_table.h"
#include "translator/tcache.h"

namespace bt86::translator {

// Addresses of the monitor glue (runtime/glue.cpp) that blocks jump to.
struct GlueAddrs {
  uint64_t exit = 0;      // save guest registers, return to the dispatcher
  uint64_t ibl_miss = 0;  // r15d = target EIP: record it, exit as kIndirect
  uint64_t port_io = 0;   // called: r14d = port | size << 16 | out << 24, r15d = OUT value;
                          // returns the IN value in r15d
};

class TCache;

class Emitter {
 public:
  Emitter(uint64_t base_address, const GlueAddrs& glue, TCache& tc, ModeKey mode = {});

  void set_counting(bool on) { counting_ = on; }

  // Block framing.
  void begin_block(uint32_t eip, bool flags_live_at_entry);
  void begin_insn(const Insn& in);
  void end_with_jump(uint32_t target_eip);   // fallthrough or page end
  void finish();                              // emits stubs; call once

  // Per-treatment emitters (one file each).
  void emit_copy(const Insn& in, Kind kind);    // emit_copy.cpp
  void emit_stack(const Insn& in, Kind kind);   // emit_stack.cpp
  void emit_string(const Insn& in, Kind kind);  // emit_string.cpp
  void emit_branch(const Insn& in, Kind kind);  // emit_branch.cpp
  void emit_monitor_exit(const Insn& in, Kind kind);  // the monitor performs it
  void emit_pushf_inline();                     // emit_flags.cpp
  void emit_popf_inline(uint32_t eip);          // emit_flags.cpp
  void emit_cli_sti_inline(bool sti);           // emit_flags.cpp
  void emit_port_io(const Insn& in, Kind kind);  // emit_io.cpp: IN/OUT without an exit
  void emit_selector_read(const Insn& in, Kind kind);  // emit_segment.cpp: PUSH/MOV from Sreg

  // Results.
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  asmjit::CodeHolder& code() { return code_; }
  std::vector<SideEntry>& side() { return side_; }
  std::vector<PendingExit>& exits() { return exits_; }
  uint32_t entry_off() const { return entry_off_; }
  uint32_t body_end() const { return body_end_; }

  // --- Building blocks shared by the family emitters. ---
  // Host register holding guest GPR `r` (ZydisRegister of any width -> same width on host).
  static ZydisRegister host_reg(ZydisRegister guest);
  static ZydisRegister host_gpr32(int guest_index);
  // Encodes one host instruction; a memory operand marked guest gets GS + addr32.
  bool encode(ZydisEncoderRequest& req, bool guest_memory);
  void fail(const std::string& why);
  // A ZydisEncoderOperand for guest memory [base + index*scale + disp] (registers already
  // host registers), and for the vCPU state [r13 + off].
  static ZydisEncoderOperand gmem(ZydisRegister base, ZydisRegister index, uint8_t scale,
                                  int64_t disp, uint16_t size);
  static ZydisEncoderOperand vmem(int32_t off, uint16_t size);
  static ZydisEncoderOperand reg(ZydisRegister r);
  static ZydisEncoderOperand imm(int64_t v);
  bool ins(ZydisMnemonic m, std::initializer_list<ZydisEncoderOperand> ops, bool guest_memory);

  // Translates a guest memory operand into host terms; 16-bit addressing and borrowed
  // registers emit the address computation first. Returns false when unsupported.
  struct MemOperand {
    ZydisEncoderOperand op;
    int borrowed = -1;   // guest register borrowed as the address temp, restored by end_mem
  };
  // `address_only` (LEA): the offset without the segment base.
  bool guest_mem(const Insn& in, const ZydisDecodedOperand& m, bool avoid_rex, MemOperand* out,
                 bool address_only = false);
  // False (with a failure recorded) when memory through segment `seg` cannot be translated
  // in this mode; `based` tells whether its base must be added.
  bool segment_usable(int seg, bool* based, bool* limited = nullptr);
  // Raises #GP(0) (#SS(0) for SS) unless [offset, offset+size) fits segment `seg`'s limit
  // and type (read or write), read from the vCPU's descriptor cache at run time. `offset` is
  // a 32-bit register (zero-extended); flags and RAX are preserved on both paths.
  void emit_limit_check(int seg, ZydisRegister offset, unsigned size, bool writes, int borrowed,
                        uint32_t eip);
  void end_mem(const MemOperand& m);
  // Leaves through the fault exit with guest exception `vector` (error code 0) at `eip`;
  // the guest state must already be that of the instruction's start.
  void fault_exit(int vector, uint32_t eip);
  // The code segment's limit (a non-flat CS): a branch whose target is beyond it raises
  // #GP(0) at the branch, before any state changes. Nothing to check with a 4 GiB limit.
  bool beyond_cs_limit(uint32_t target) const { return target > mode_.cs_limit; }
  // #GP(0) at `eip` unless r15d (an indirect target) is within the CS limit; flag-free,
  // uses r11 and r14. No code with a 4 GiB limit.
  void cs_limit_check_r15(uint32_t eip);
  // jcc to a fault exit with guest exception `vector` at `eip` (a Jcc whose target is
  // beyond the CS limit).
  void fault_exit_if(asmjit::x86::CondCode cc, int vector, uint32_t eip);
  // DIV/IDIV: a zero divisor raises #DE inline, without the host's SIGFPE (which costs a
  // signal round trip); quotient overflow still arrives as SIGFPE.
  void emit_divide_check(const Insn& in);

  // Control transfer plumbing (emit_branch.cpp).
  void direct_exit(uint32_t target_eip);            // jmp rel32 -> stub -> glue
  void direct_exit_jcc(asmjit::x86::CondCode cc, uint32_t target_eip);
  void indirect_jump_r15();                          // inline lookup on r15d
  void set_ibl_salt(uint32_t salt) { ibl_salt_ = salt; }
  // Leaves for the monitor at `eip`; `site` names the decoded instruction (TCache).
  void monitor_exit(uint32_t eip, uint32_t site = kNoMonitorSite);
  void raw(std::initializer_list<uint8_t> bytes);

  asmjit::x86::Assembler& as() { return a_; }
  const GlueAddrs& glue() const { return glue_; }
  uint64_t base() const { return base_; }
  void jmp_abs(uint64_t target);   // rel32 jmp to a glue address
  void call_abs(uint64_t target);  // rel32 call to a glue address (only port_io)
  // lea dst32, [base32 + disp]: 32-bit wrap-around, flags untouched.
  void lea32(ZydisRegister dst, ZydisRegister base, int64_t disp);
  // Stack memory [base + disp] through SS (base: r12d for ESP, or EBP). With a based SS the
  // base sits in r10d, loaded by load_stack_base() at the start of the instruction.
  ZydisEncoderOperand stack_mem(ZydisRegister base, int64_t disp, unsigned size) const;
  void load_stack_base();
  bool stack_based() const;    // SS's base must be added (based or limited SS)
  bool stack_limited() const;  // SS has a limit, is expand-down or read-only: check accesses
  // With a limited SS: raises #SS(0) at `eip` unless the `bytes` stack bytes from
  // [base + disp] (32-bit wrap) fit SS's limit and type. Uses r14 and r11. No code otherwise.
  void stack_check(ZydisRegister base, int64_t disp, unsigned bytes, bool writes, uint32_t eip);

 private:
  void emit_entry_check(bool flags_live);
  void rel32_abs(uint8_t opcode, uint64_t target);
  void count(int32_t vcpu_offset);  // flag-free 64-bit increment in the vCPU state
  uint32_t here() const { return uint32_t(code_.sectionById(0)->buffer().size()); }

  uint64_t base_;
  GlueAddrs glue_;
  ModeKey mode_;
  uint32_t ibl_salt_ = 0;
  TCache& tc_;
  std::string error_;
  // Records asmjit's first error into error_ (an unencodable operand must fail the block,
  // never vanish).
  class ErrorSink : public asmjit::ErrorHandler {
   public:
    explicit ErrorSink(std::string* out) : out_(out) {}
    void handleError(asmjit::Error, const char* message, asmjit::BaseEmitter*) override {
      if (out_->empty()) *out_ = std::string("asmjit: ") + message;
    }

   private:
    std::string* out_;
  };
  ErrorSink sink_{&error_};
  asmjit::CodeHolder code_;
  asmjit::x86::Assembler a_;
  uint32_t block_eip_ = 0;
  uint32_t entry_off_ = 0;
  uint32_t body_end_ = 0;
  std::vector<SideEntry> side_;
  std::vector<PendingExit> exits_;
  asmjit::Label pending_label_;
  asmjit::Label pending_restore_label_;
  bool finished_ = false;
  bool counting_ = false;
};

}  // namespace bt86::translator
