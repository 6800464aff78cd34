// run_native: runs a case in a 32-bit code segment of this 64-bit process (the diff reference).
//
// The code and data areas live at their fixed 32-bit addresses (diff_case.h), mapped once and
// reused. native_stubs.asm, copied to kLowBase, switches to 32-bit mode with a far return to
// selector 0x23, loads the case's registers and flags, and runs the case; a 6-byte terminator
// appended to the case code jumps back to the stub, which stores the registers and flags and
// far-returns to 64-bit mode (selector 0x33). A fault in 32-bit code is caught by handlers
// installed for the duration of the run: they record the vector, registers and EIP from the
// signal context and resume at the 64-bit exit stub, so run_native returns normally.
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "common/assert.h"
#include "tests/diff/diff_case.h"

extern "C" {
extern const uint32_t bt86_diff_stub_layout[14];
extern const uint8_t bt86_diff_stub_begin[], bt86_diff_stub_end[];
extern const uint8_t bt86_diff_term_begin[], bt86_diff_term_end[];
}

namespace bt86::diff {
namespace {

// Must match native_stubs.asm; checked against bt86_diff_stub_layout in setup().
constexpr uint32_t kLowBase = 0x00E00000;
constexpr uint32_t kLowSize = 0x10000;
constexpr uint32_t kState = kLowBase + 0x1000;
constexpr uint32_t kLowStackTop = kLowBase + kLowSize;
constexpr uint32_t kMxcsrDefault = 0x1F80;

struct StateBlock {
  uint32_t in_gpr[8];
  uint32_t in_eflags;
  uint32_t case_entry;
  uint32_t exit_target;
  uint32_t mxcsr;
  uint64_t saved_rsp;
  uint64_t pad;
  uint32_t out_gpr[8];
  uint32_t out_eflags;
};
static_assert(offsetof(StateBlock, in_eflags) == 0x20 && offsetof(StateBlock, case_entry) == 0x24 &&
              offsetof(StateBlock, exit_target) == 0x28 && offsetof(StateBlock, mxcsr) == 0x2C &&
              offsetof(StateBlock, saved_rsp) == 0x30 && offsetof(StateBlock, out_gpr) == 0x40 &&
              offsetof(StateBlock, out_eflags) == 0x60);

constexpr uint16_t kUserCs32 = 0x23;
constexpr uint16_t kUserCs64 = 0x33;
constexpr uint32_t kEflagsReserved1 = 1u << 1;
constexpr uint32_t kEflagsTF = 1u << 8, kEflagsAC = 1u << 18, kEflagsRF = 1u << 16;

constexpr std::array kFaultSignals = {SIGSEGV, SIGILL, SIGFPE, SIGBUS, SIGTRAP};
constexpr size_t kAltStackSize = 64 * 1024;

struct Runtime {
  StateBlock* state;
  uint8_t* code;
  uint8_t* data;
  void (*enter)();
  uint64_t exit64;
  void* alt_stack;
};

// Written by the fault handler, read by run_native after the stub returns.
volatile sig_atomic_t g_faulted;
volatile int g_fault_vector;
volatile uint32_t g_fault_eip;
Runtime* g_rt;

void* map_fixed(uint32_t addr, size_t size, int prot) {
  void* p = mmap(reinterpret_cast<void*>(uintptr_t{addr}), size, prot,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  BT_ASSERT(p == reinterpret_cast<void*>(uintptr_t{addr}),
            "diff: cannot map %#x bytes at %#x for native runs (errno %d)", unsigned(size),
            unsigned(addr), errno);
  return p;
}

Runtime& setup() {
  static Runtime rt = [] {
    const uint32_t* l = bt86_diff_stub_layout;
    BT_ASSERT(l[0] == kLowBase && l[1] == kState && l[2] == kLowStackTop && l[3] == 0 &&
                  l[4] == 0x20 && l[5] == 0x24 && l[6] == 0x28 && l[7] == 0x2C && l[8] == 0x30 &&
                  l[9] == 0x40 && l[10] == 0x60,
              "diff: native_stubs.asm and native_runner.cpp disagree on the state block");
    Runtime r{};
    auto* low = static_cast<uint8_t*>(map_fixed(kLowBase, kLowSize, PROT_READ | PROT_WRITE));
    size_t stub_size = bt86_diff_stub_end - bt86_diff_stub_begin;
    BT_ASSERT(stub_size <= 0x1000, "diff: stub too large");
    std::memcpy(low, bt86_diff_stub_begin, stub_size);
    BT_ASSERT(mprotect(low, 0x1000, PROT_READ | PROT_EXEC) == 0, "diff: mprotect stub");
    r.enter = reinterpret_cast<void (*)()>(uintptr_t{kLowBase + l[11]});
    r.exit64 = kLowBase + l[13];
    r.state = reinterpret_cast<StateBlock*>(uintptr_t{kState});
    r.state->exit_target = kLowBase + l[12];
    r.state->case_entry = kCodeAddr;
    r.state->mxcsr = kMxcsrDefault;
    r.code = static_cast<uint8_t*>(
        map_fixed(kCodeAddr, kCodeMax + 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC));
    r.data = static_cast<uint8_t*>(map_fixed(kDataAddr, kDataSize, PROT_READ | PROT_WRITE));
    r.alt_stack =
        mmap(nullptr, kAltStackSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    BT_ASSERT(r.alt_stack != MAP_FAILED, "diff: alt stack");
    return r;
  }();
  return rt;
}

void on_fault(int sig, siginfo_t*, void* ctx_void) {
  auto* uc = static_cast<ucontext_t*>(ctx_void);
  greg_t* g = uc->uc_mcontext.gregs;
  if ((g[REG_CSGSFS] & 0xFFFF) != kUserCs32) {
    // Not the case's fault: a bug in this process. Die with the default action.
    signal(sig, SIG_DFL);
    return;  // the faulting instruction re-executes and now kills the process
  }
  StateBlock* s = g_rt->state;
  static constexpr int kOrder[8] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX,
                                    REG_RSP, REG_RBP, REG_RSI, REG_RDI};
  for (int i = 0; i < 8; ++i) s->out_gpr[i] = static_cast<uint32_t>(g[kOrder[i]]);
  s->out_eflags = static_cast<uint32_t>(g[REG_EFL]);
  g_fault_vector = static_cast<int>(g[REG_TRAPNO]);
  g_fault_eip = static_cast<uint32_t>(g[REG_RIP]);
  g_faulted = 1;
  // Resume at the 64-bit exit stub: it restores the C++ stack from the state block.
  g[REG_RIP] = static_cast<greg_t>(g_rt->exit64);
  g[REG_RSP] = kLowStackTop;
  g[REG_CSGSFS] = (g[REG_CSGSFS] & ~greg_t{0xFFFF}) | kUserCs64;
  g[REG_EFL] &= ~greg_t{kFlagDF | kEflagsTF | kEflagsAC | kEflagsRF};
}

// Our fault handlers and alternate stack, installed for one run and then the previous ones
// restored, so that other signal users in the process (bt86's own runtime) are undisturbed.
class ScopedFaultHandlers {
 public:
  explicit ScopedFaultHandlers(Runtime& rt) {
    stack_t ss{};
    ss.ss_sp = rt.alt_stack;
    ss.ss_size = kAltStackSize;
    BT_ASSERT(sigaltstack(&ss, &old_stack_) == 0, "diff: sigaltstack");
    struct sigaction sa {};
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < kFaultSignals.size(); ++i)
      BT_ASSERT(sigaction(kFaultSignals[i], &sa, &old_[i]) == 0, "diff: sigaction");
  }
  ~ScopedFaultHandlers() {
    for (size_t i = 0; i < kFaultSignals.size(); ++i)
      sigaction(kFaultSignals[i], &old_[i], nullptr);
    sigaltstack(&old_stack_, nullptr);
  }
  ScopedFaultHandlers(const ScopedFaultHandlers&) = delete;
  ScopedFaultHandlers& operator=(const ScopedFaultHandlers&) = delete;

 private:
  std::array<struct sigaction, kFaultSignals.size()> old_{};
  stack_t old_stack_{};
};

}  // namespace

Snapshot run_native(const CaseInput& in) {
  Runtime& rt = setup();
  size_t term_size = bt86_diff_term_end - bt86_diff_term_begin;
  BT_ASSERT(in.code.size() <= kCodeMax, "diff: case '%s' code too large", in.name.c_str());
  BT_ASSERT(in.data.size() == kDataSize, "diff: case '%s' data area has %zu bytes", in.name.c_str(),
            in.data.size());
  std::memcpy(rt.code, in.code.data(), in.code.size());
  std::memcpy(rt.code + in.code.size(), bt86_diff_term_begin, term_size);
  std::memcpy(rt.data, in.data.data(), kDataSize);
  StateBlock* s = rt.state;
  std::memcpy(s->in_gpr, in.gpr, sizeof s->in_gpr);
  s->in_eflags = (in.eflags & kComparedFlags) | kEflagsReserved1;

  g_rt = &rt;
  g_faulted = 0;
  {
    ScopedFaultHandlers handlers(rt);
    rt.enter();
  }

  Snapshot out;
  std::memcpy(out.gpr, s->out_gpr, sizeof out.gpr);
  out.eflags = s->out_eflags;
  out.data.assign(rt.data, rt.data + kDataSize);
  if (g_faulted) {
    out.fault_vector = g_fault_vector;
    out.eip = g_fault_eip;
  } else {
    out.eip = kCodeAddr + static_cast<uint32_t>(in.code.size());
  }
  return out;
}

}  // namespace bt86::diff
