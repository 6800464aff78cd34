// The fault handler: map host RIP to a block and a guest EIP, restore the guest state of
// that instruction (sequences are restartable), record the guest event and divert to the
// exit glue. A fault anywhere else is a monitor bug: report it and stop, never dump core.
#include "runtime/signals.h"

#include <signal.h>
#include <sys/ucontext.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "runtime/machine.h"

namespace bt86::runtime {

namespace {

Machine* g_running = nullptr;
struct sigaction g_previous[32];  // handlers found at install time, chained to when not ours

// A fault that is not from translated code may belong to another handler of this process
// (the differential tests run native 32-bit code with their own): pass it on if so.
bool chain(int sig, siginfo_t* si, void* ctx) {
  const struct sigaction& p = g_previous[sig];
  if (!(p.sa_flags & SA_SIGINFO) || !p.sa_sigaction) return false;
  p.sa_sigaction(sig, si, ctx);
  return true;
}

// ucontext register for guest register number g (eax ecx edx ebx esp ebp esi edi).
constexpr int kCtxReg[8] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_R12, REG_RBP, REG_RSI, REG_RDI};

[[noreturn]] void die(const char* what, int sig, uint64_t rip, uint64_t addr) {
  char buf[256];
  int n = std::snprintf(buf, sizeof buf,
                        "bt86: internal error: %s (signal %d at host rip 0x%llx, address 0x%llx)\n",
                        what, sig, (unsigned long long)rip, (unsigned long long)addr);
  (void)!write(2, buf, n);
  _exit(70);
}

void on_fault(int sig, siginfo_t* si, void* ctx) {
  auto* uc = static_cast<ucontext_t*>(ctx);
  greg_t* g = uc->uc_mcontext.gregs;
  uint64_t rip = uint64_t(g[REG_RIP]);
  uint64_t addr = uint64_t(si->si_addr);
  Machine* m = g_running;
  const uint8_t* pc = reinterpret_cast<const uint8_t*>(rip);
  if (!m || !m->tc().in_arena(pc)) {
    if (chain(sig, si, ctx)) return;
    die(m ? "fault in the monitor" : "fault outside the guest", sig, rip, addr);
  }
  translator::TCache& tc = m->tc();
  if (tc.in_glue(pc)) die("fault in the monitor glue", sig, rip, addr);
  translator::Block* b = tc.block_at(pc);
  const translator::SideEntry* side = b ? b->side_for(pc) : nullptr;
  if (!side) die("fault in translated code with no guest instruction", sig, rip, addr);

  VcpuState& v = m->vcpu();
  const int trapno = int(g[REG_TRAPNO]);
  const uint64_t err = uint64_t(g[REG_ERR]);

  // A shadow miss in a paging window is resolved here and the instruction resumes, with
  // no fixup applied: the guest never left its instruction.
  mmu::Shadow::FillResult fill{mmu::Shadow::Fill::kNotPaging};
  if (sig == SIGSEGV && trapno == 14) {
    fill = m->shadow().fill(addr, err & 2);
    if (fill.outcome == mmu::Shadow::Fill::kMapped) return;
    // Paging off: guest-physical space beyond RAM is open bus (reads all ones).
    uint32_t phys = 0;
    if (fill.outcome == mmu::Shadow::Fill::kNotPaging && m->shadow().open_bus() &&
        m->window().guest_address(addr, &phys) && phys >= m->ram().size()) {
      m->shadow().map_identity_open_bus(phys);
      return;
    }
  }

  if (side->fixup == translator::Fixup::kRestoreBorrowed)
    g[kCtxReg[side->fixup_reg]] = greg_t(v.scratch[0]);
  if (side->fixup == translator::Fixup::kStringBases) {
    // ESI/EDI are linear addresses mid-REP: back to offsets in their segments.
    if (int src = side->fixup_reg & 7)
      g[REG_RSI] = greg_t(uint32_t(uint32_t(g[REG_RSI]) - v.seg[src - 1].base));
    if (side->fixup_reg & 8) g[REG_RDI] = greg_t(uint32_t(uint32_t(g[REG_RDI]) - v.seg[kES].base));
  }

  v.fault_kind = kFaultException;
  v.fault_error = 0;
  v.fault_addr = 0;
  switch (sig) {
    case SIGSEGV:
    case SIGBUS: {
      uint32_t guest = 0;
      if (sig == SIGSEGV && trapno == 13) {  // a #GP the guest instruction itself raised
        v.fault_vector = 13;
        break;
      }
      if (!m->shadow().contains(addr)) die("translated code touched host memory", sig, rip, addr);
      switch (fill.outcome) {
        case mmu::Shadow::Fill::kPageFault:
          v.fault_vector = 14;
          v.fault_error = fill.error;
          v.fault_addr = fill.linear;
          break;
        case mmu::Shadow::Fill::kCodeWrite:
          v.fault_kind = kFaultCodeWrite;
          v.fault_addr = fill.phys;
          break;
        case mmu::Shadow::Fill::kOutside:
          v.fault_kind = kFaultUnassigned;
          v.fault_addr = fill.linear;
          break;
        default:
          break;
      }
      if (fill.outcome != mmu::Shadow::Fill::kNotPaging) break;
      bool in_window = m->window().guest_address(addr, &guest);
      v.fault_addr = guest;
      if (in_window && guest < m->ram().size() && (err & 2) &&
          tc.page_has_code(guest >> 12)) {
        v.fault_kind = kFaultCodeWrite;
      } else {
        v.fault_kind = kFaultUnassigned;
        if (!in_window) v.fault_addr = uint32_t(addr - m->window().base());  // wrapped
      }
      break;
    }
    case SIGFPE:
      v.fault_vector = trapno == 16 ? 16 : trapno == 19 ? 19 : 0;
      break;
    case SIGILL:
      v.fault_vector = 6;
      break;
    default:
      die("unexpected signal in translated code", sig, rip, addr);
  }
  v.eip = side->guest_eip;
  v.exit_reason = ExitReason::kFault;
  g[REG_RIP] = greg_t(m->glue().addrs.exit);
}

}  // namespace

void set_running_machine(Machine* m) { g_running = m; }
Machine* running_machine() { return g_running; }

void install_fault_handlers() {
  static bool have_altstack = false;
  if (!have_altstack) {
    have_altstack = true;
    static constexpr size_t kAltStack = 256 * 1024;
    stack_t ss{};
    ss.ss_sp = std::malloc(kAltStack);
    ss.ss_size = kAltStack;
    sigaltstack(&ss, nullptr);
  }
  // Re-installed before every run: another component may have taken the signals since.
  struct sigaction sa {};
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP}) {
    struct sigaction old {};
    sigaction(sig, &sa, &old);
    if (!((old.sa_flags & SA_SIGINFO) && old.sa_sigaction == on_fault)) g_previous[sig] = old;
  }
}

}  // namespace bt86::runtime
