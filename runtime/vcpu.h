// The vCPU state: what translated code reaches through r13, and what the monitor owns.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bt86::runtime {

// Why translated code returned to the dispatcher.
enum class ExitReason : uint32_t {
  kNone = 0,
  kBranch,    // a direct branch whose target is not linked yet: next_eip, exit_slot
  kIndirect,  // an indirect branch missed the inline table: next_eip
  kMonitor,   // a sensitive or emulated instruction at eip: the monitor performs it
  kPending,   // an interrupt or exit request was seen at a block entry: eip
  kFault,     // a host fault turned into a guest event: eip, fault_vector, fault_addr
};

// Guest EFLAGS bits.
inline constexpr uint32_t kFlagCF = 1u << 0, kFlagPF = 1u << 2, kFlagAF = 1u << 4,
                          kFlagZF = 1u << 6, kFlagSF = 1u << 7, kFlagTF = 1u << 8,
                          kFlagIF = 1u << 9, kFlagDF = 1u << 10, kFlagOF = 1u << 11,
                          kFlagIOPL = 3u << 12, kFlagNT = 1u << 14, kFlagRF = 1u << 16,
                          kFlagVM = 1u << 17, kFlagAC = 1u << 18, kFlagID = 1u << 21;
// The flags that live in host RFLAGS while translated code runs (DESIGN.md §2.3).
inline constexpr uint32_t kHostFlags = kFlagCF | kFlagPF | kFlagAF | kFlagZF | kFlagSF |
                                       kFlagDF | kFlagOF;
inline constexpr uint32_t kArithFlags = kHostFlags & ~kFlagDF;

// Segment registers in encoding order.
enum SegReg { kES, kCS, kSS, kDS, kFS, kGS };

struct Segment {
  uint16_t selector = 0;
  uint32_t base = 0;
  uint32_t limit = 0xFFFFFFFF;
  uint16_t attrib = 0;  // descriptor type/DPL/P/DB/G bits as in the descriptor's bytes 5-6
};

struct DescriptorTable {
  uint32_t base = 0;
  uint16_t limit = 0;
};

// Indirect-branch lookup: host code for a guest EIP, indexed by its low 16 bits.
inline constexpr uint32_t kIblEntries = 1u << 16;

struct alignas(64) VcpuState {
  // --- Reached by translated code through r13; keep small offsets first. ---
  uint32_t gpr[8];         // eax ecx edx ebx esp ebp esi edi (encoding order)
  uint32_t eip;            // guest EIP of the exit (meaning depends on exit_reason)
  uint32_t eflags;         // guest EFLAGS; host-flag bits valid after an exit
  ExitReason exit_reason;
  uint32_t next_eip;       // target of a branch exit
  uint32_t exit_slot;      // which direct-branch exit to link (tcache slot id)
  // Block entries test these two bytes as one 16-bit word: either non-zero leaves
  // translated code at the next block entry.
  uint8_t pending;         // an exit request: host timer tick, device deadline, stop
  uint8_t pending_irq;     // inline STI/POPF set IF while INTR was asserted: take the interrupt
  uint8_t vif;             // guest IF while translated code runs (inline CLI/STI); the glue
                           // copies it from and back into eflags
  uint8_t vdf;             // a copy of guest DF (host DF is the truth): inline PUSHF reads it
  uint8_t intr;            // the interrupt controller's INTR output, mirrored for inline STI
  uint8_t pad0[3];
  uint64_t host_rsp;       // host stack pointer at entry, restored at every exit
  uint64_t window_base;    // host address of guest address 0 in the current window
  uint64_t scratch[4];     // spill slots for emitted sequences
  uint64_t count_entries;  // --stats instrumentation: block entries from translated code
  uint64_t count_indirect; // --stats instrumentation: indirect branches executed
  // Fault details filled by the signal handler.
  uint32_t fault_vector;
  uint32_t fault_error;
  uint32_t fault_addr;
  uint32_t fault_kind;

  // --- Monitor-only system state. ---
  uint32_t cr0 = 0x00000011;  // PE is set by the loader; ET=1
  uint32_t cr2 = 0, cr3 = 0, cr4 = 0;
  Segment seg[6];
  DescriptorTable gdtr, idtr;
  Segment ldtr, tr;          // LDTR and TR with their hidden base and limit
  uint32_t dr[8] = {0, 0, 0, 0, 0, 0, 0xFFFF0FF0, 0x00000400};  // DR4/DR5 alias DR6/DR7
  uint8_t cpl = 0;
  int64_t tsc_offset = 0;           // guest TSC = host TSC + offset (WRMSR 0x10)
  uint32_t sysenter_cs = 0, sysenter_esp = 0, sysenter_eip = 0;
  uint64_t misc_enable = 0x1801;    // IA32_MISC_ENABLE at reset: fast strings, no BTS/PEBS
  bool halted = false;
  // STI (with IF clear before it), MOV SS and POP SS hold off interrupts until the next
  // instruction completes (SDM vol. 3, 6.8.3).
  bool interrupt_shadow = false;

  // Extended state (FXSAVE layout). The SSE part (XMM0-15, MXCSR) is swapped at every
  // entry and exit: the host's compiled code uses XMM registers and its own MXCSR. The x87
  // part (FPU registers, control, status and tag words) stays in the host FPU between
  // runs of translated code, because x86-64 host code never executes x87 instructions:
  // monitor calls then cost no FXSAVE/FXRSTOR (docs/ARCHITECTURE.md, "Extended state").
  // The x87 bytes here are current only outside Machine::run(); code that changes them sets
  // fx_reload, and the next entry loads the whole area with FXRSTOR.
  alignas(16) uint8_t guest_fx[512];
  uint32_t host_mxcsr;
  uint8_t fx_reload = 1;

  // The inline indirect-branch table (TC-owned, reached from the vCPU state).
  alignas(64) uint64_t ibl[kIblEntries];
};

// Offsets for the emitters (asmjit needs plain integers).
namespace vcpu_off {
inline constexpr int32_t gpr(int r) { return int32_t(offsetof(VcpuState, gpr) + 4 * r); }
inline constexpr int32_t kEip = offsetof(VcpuState, eip);
inline constexpr int32_t kEflags = offsetof(VcpuState, eflags);
inline constexpr int32_t kExitReason = offsetof(VcpuState, exit_reason);
inline constexpr int32_t kNextEip = offsetof(VcpuState, next_eip);
inline constexpr int32_t kExitSlot = offsetof(VcpuState, exit_slot);
inline constexpr int32_t kPending = offsetof(VcpuState, pending);
inline constexpr int32_t kPendingIrq = offsetof(VcpuState, pending_irq);
inline constexpr int32_t kIntr = offsetof(VcpuState, intr);
inline constexpr int32_t kVif = offsetof(VcpuState, vif);
inline constexpr int32_t kVdf = offsetof(VcpuState, vdf);
inline constexpr int32_t kHostRsp = offsetof(VcpuState, host_rsp);
inline constexpr int32_t kWindowBase = offsetof(VcpuState, window_base);
inline constexpr int32_t kCountEntries = offsetof(VcpuState, count_entries);
inline constexpr int32_t kCountIndirect = offsetof(VcpuState, count_indirect);
inline constexpr int32_t scratch(int i) { return int32_t(offsetof(VcpuState, scratch) + 8 * i); }
inline constexpr int32_t seg_selector(int s) {
  return int32_t(offsetof(VcpuState, seg) + sizeof(Segment) * s + offsetof(Segment, selector));
}
inline constexpr int32_t seg_base(int s) {
  return int32_t(offsetof(VcpuState, seg) + sizeof(Segment) * s + offsetof(Segment, base));
}
inline constexpr int32_t seg_limit(int s) {
  return int32_t(offsetof(VcpuState, seg) + sizeof(Segment) * s + offsetof(Segment, limit));
}
inline constexpr int32_t seg_attrib(int s) {
  return int32_t(offsetof(VcpuState, seg) + sizeof(Segment) * s + offsetof(Segment, attrib));
}
inline constexpr int32_t kFaultVector = offsetof(VcpuState, fault_vector);
inline constexpr int32_t kFaultError = offsetof(VcpuState, fault_error);
inline constexpr int32_t kFaultKind = offsetof(VcpuState, fault_kind);
inline constexpr int32_t kGuestFx = offsetof(VcpuState, guest_fx);
inline constexpr int32_t kHostMxcsr = offsetof(VcpuState, host_mxcsr);
inline constexpr int32_t kFxReload = offsetof(VcpuState, fx_reload);
inline constexpr int32_t kIbl = offsetof(VcpuState, ibl);
}  // namespace vcpu_off

}  // namespace bt86::runtime
