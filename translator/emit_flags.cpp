// Inline PUSHF and POPF at CPL 0: EFLAGS moved between the guest stack and host RFLAGS
// (arithmetic flags, DF), the vCPU's copies of IF and DF, and its system flags, without a
// monitor exit.
//
// Host RFLAGS cannot be pushed (translated code never touches the host stack), so the
// arithmetic flags are read with LAHF and SETO into AH/AL (guest EAX saved in r11), and
// put back with ADD AL,7Fh (OF) and SAHF (the rest). A probe store of the stack slot comes
// first: after it nothing can fault, so the sequence needs no fault fixup.
#include "runtime/vcpu.h"
#include "translator/emitter.h"

namespace bt86::translator {

namespace x86 = asmjit::x86;
namespace off = runtime::vcpu_off;

namespace {
// System flags PUSHF copies from the vCPU's EFLAGS: TF, IOPL, NT, AC, VIF, VIP, ID (never
// VM or RF, which PUSHF clears in the image).
constexpr uint32_t kSystemFlags = runtime::kFlagTF | runtime::kFlagIOPL | runtime::kFlagNT |
                                  runtime::kFlagAC | (1u << 19) | (1u << 20) | runtime::kFlagID;
// The system flags POPF loads at CPL 0: all but RF, VIP, VIF and VM (SDM POPF).
constexpr uint32_t kPopfSystemFlags =
    runtime::kFlagIOPL | runtime::kFlagNT | runtime::kFlagAC | runtime::kFlagID;
}  // namespace

void Emitter::emit_pushf_inline() {
  x86::Mem slot = x86::dword_ptr(x86::r12d, -4);
  slot.setSegment(x86::gs);
  // Probe: rewrite the slot with its own value (faults here leave everything as it was).
  a_.mov(x86::r10d, slot);
  a_.mov(slot, x86::r10d);
  a_.mov(x86::r11, x86::rax);
  a_.lahf();                   // AH = SF ZF 0 AF 0 PF 1 CF
  a_.seto(x86::al);            // AL = OF
  // From here host flags are free to clobber: they are rebuilt from AH/AL at the end.
  a_.mov(x86::r10d, x86::eax);  // (AH cannot be named next to a REX register)
  a_.shr(x86::r10d, 8);
  a_.and_(x86::r10d, 0xD7);    // SF ZF AF PF CF and the reserved bit 1
  a_.movzx(x86::r14d, x86::al);
  a_.shl(x86::r14d, 11);
  a_.or_(x86::r10d, x86::r14d);
  a_.movzx(x86::r14d, x86::byte_ptr(x86::r13, off::kVdf));
  a_.shl(x86::r14d, 10);
  a_.or_(x86::r10d, x86::r14d);
  a_.movzx(x86::r14d, x86::byte_ptr(x86::r13, off::kVif));
  a_.shl(x86::r14d, 9);
  a_.or_(x86::r10d, x86::r14d);
  a_.mov(x86::r14d, x86::dword_ptr(x86::r13, off::kEflags));
  a_.and_(x86::r14d, kSystemFlags);
  a_.or_(x86::r10d, x86::r14d);
  a_.mov(slot, x86::r10d);
  a_.lea(x86::r12d, x86::ptr(x86::r12d, -4));
  a_.add(x86::al, 0x7F);       // OF = (AL == 1)
  a_.sahf();                   // SF ZF AF PF CF from AH
  a_.mov(x86::rax, x86::r11);
}

}  // namespace bt86::translator

namespace bt86::translator {

// POPF at CPL 0 (32-bit): arithmetic flags and DF into host RFLAGS, IF into the virtual IF,
// IOPL NT AC ID into the vCPU's EFLAGS (RF, VIP, VIF and VM are never loaded by POPF). POPF
// overwrites every arithmetic flag, so once the load has succeeded host flags are free to
// clobber. TF set: the monitor performs it (single-stepping changes the mode key). Setting
// IF while INTR is asserted asks for an exit at the next block entry.
void Emitter::emit_popf_inline(uint32_t eip) {
  x86::Mem top = x86::dword_ptr(x86::r12d);
  top.setSegment(x86::gs);
  asmjit::Label to_monitor = a_.newLabel(), df_set = a_.newLabel(), df_done = a_.newLabel(),
                done = a_.newLabel();
  a_.mov(x86::r10d, top);  // the only access that can fault
  a_.test(x86::r10d, runtime::kFlagTF);
  a_.jnz(to_monitor);
  a_.bt(x86::r10d, 9);
  a_.setc(x86::byte_ptr(x86::r13, off::kVif));
  // IF set while INTR is asserted: leave at the next block entry to take the interrupt.
  // The byte is stored only then: a byte store read back by the next entry's 16-bit load
  // of the pending word would stall store forwarding on every POPF.
  asmjit::Label no_irq = a_.newLabel();
  a_.cmp(x86::byte_ptr(x86::r13, off::kIntr), 0);
  a_.je(no_irq);
  a_.cmp(x86::byte_ptr(x86::r13, off::kVif), 0);
  a_.je(no_irq);
  a_.mov(x86::byte_ptr(x86::r13, off::kPendingIrq), 1);
  a_.bind(no_irq);
  a_.bt(x86::r10d, 10);
  a_.setc(x86::byte_ptr(x86::r13, off::kVdf));
  a_.jc(df_set);
  a_.cld();
  a_.jmp(df_done);
  a_.bind(df_set);
  a_.std();
  a_.bind(df_done);
  a_.mov(x86::r11d, x86::dword_ptr(x86::r13, off::kEflags));
  a_.and_(x86::r11d, ~kPopfSystemFlags);
  a_.mov(x86::r14d, x86::r10d);
  a_.and_(x86::r14d, kPopfSystemFlags);
  a_.or_(x86::r11d, x86::r14d);
  a_.mov(x86::dword_ptr(x86::r13, off::kEflags), x86::r11d);
  a_.lea(x86::r12d, x86::ptr(x86::r12d, 4));
  // EAX = (low byte << 8) | OF, then ADD AL,7Fh sets OF and SAHF the rest.
  a_.mov(x86::r11, x86::rax);
  a_.mov(x86::eax, x86::r10d);
  a_.shl(x86::eax, 8);
  a_.shr(x86::r10d, 11);
  a_.and_(x86::r10d, 1);
  a_.mov(x86::al, x86::r10b);
  a_.add(x86::al, 0x7F);
  a_.sahf();
  a_.mov(x86::rax, x86::r11);
  a_.jmp(done);
  a_.bind(to_monitor);
  monitor_exit(eip);
  a_.bind(done);
}

// CLI and STI when IOPL allows them: only the virtual IF changes. STI with INTR asserted
// also asks for an exit at the next block entry, where the dispatcher takes the interrupt;
// the translator keeps the instruction after STI in the block, so its shadow holds.
void Emitter::emit_cli_sti_inline(bool sti) {
  a_.mov(x86::byte_ptr(x86::r13, off::kVif), sti ? 1 : 0);
  if (!sti) return;
  // Flag-free test of INTR; the byte is stored only when set (see emit_popf_inline).
  asmjit::Label no_irq = a_.newLabel();
  a_.mov(x86::r11, x86::rcx);
  a_.movzx(x86::ecx, x86::byte_ptr(x86::r13, off::kIntr));
  a_.short_().jecxz(x86::rcx, no_irq);
  a_.mov(x86::byte_ptr(x86::r13, off::kPendingIrq), 1);
  a_.bind(no_irq);
  a_.mov(x86::rcx, x86::r11);
}

}  // namespace bt86::translator
