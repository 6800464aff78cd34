// THE table: how bt86 treats every instruction a 32-bit guest may execute.
//
// One row per kind: X(Kind, Treatment, Class, "what bt86 does"). The classifier
// (translator/classify.cpp) maps a decoded instruction to its row; the emitters dispatch
// on the treatment; the monitor (runtime/monitor/) performs kMonitor rows; statistics
// and the sensitive-instruction report take their names from here.
//
// Treatments:
//   Copy     re-encoded for 64-bit mode, memory operands rebased through GS with addr32
//   Stack    rewritten into explicit stores/loads through GS and lea on r12d (guest ESP)
//   String   run natively on host pointers formed from the 4 GiB-aligned window
//   Branch   ends the block: chained direct exits or the inline indirect lookup
//   Monitor  ends the block; the monitor performs the instruction in C++
//   Undef    raises guest #UD (the modeled CPU rejects it)
//
// Classes (for the report): Innocuous; Emulated (harmless but its encoding is invalid in
// 64-bit mode); Privileged (traps when run deprivileged); Sensitive (Robin & Irvine's
// sensitive-but-unprivileged: runs deprivileged without trapping but gives wrong results);
// CpuModel (the guest must see the modeled CPU, not the host's).
#pragma once

#define BT86_INSN_TABLE(X)                                                                     \
  X(Copy, Copy, Innocuous, "copied; memory operands rebased through GS with addr32")          \
  X(BitScanLegacy, Copy, Innocuous, "REP BSF/BSR run as BSF/BSR: the modeled CPU lacks BMI") \
  X(Push, Stack, Innocuous, "store below r12d, then lea r12d")                                 \
  X(Pop, Stack, Innocuous, "load at r12d, lea r12d, then store the destination")               \
  X(Pusha, Stack, Emulated, "eight stores below r12d (PUSHA is invalid in 64-bit mode)")       \
  X(Popa, Stack, Emulated, "seven loads above r12d, ESP skipped")                              \
  X(Enter, Stack, Innocuous, "level 0 inline; nested levels by the monitor")                   \
  X(Leave, Stack, Innocuous, "load [ebp], ESP = EBP + 4")                                      \
  X(Movs, String, Innocuous, "native MOVS on window pointers")                                 \
  X(Stos, String, Innocuous, "native STOS on window pointers")                                 \
  X(Lods, String, Innocuous, "native LODS on window pointers")                                 \
  X(Cmps, String, Innocuous, "native CMPS on window pointers")                                 \
  X(Scas, String, Innocuous, "native SCAS on window pointers")                                 \
  X(Jmp, Branch, Innocuous, "direct: chained; indirect: inline lookup")                        \
  X(Jcc, Branch, Innocuous, "two chained exits")                                               \
  X(Call, Branch, Innocuous, "push return EIP, then as JMP")                                   \
  X(Ret, Branch, Innocuous, "pop into r15d, inline lookup")                                    \
  X(Loop, Branch, Innocuous, "LOOP/LOOPE/LOOPNE with addr32 (ECX), two exits")                 \
  X(Jcxz, Branch, Innocuous, "JECXZ/JCXZ, two exits")                                          \
  X(Aaa, Monitor, Emulated, "ASCII adjust after addition")                                     \
  X(Aas, Monitor, Emulated, "ASCII adjust after subtraction")                                  \
  X(Daa, Monitor, Emulated, "decimal adjust after addition")                                   \
  X(Das, Monitor, Emulated, "decimal adjust after subtraction")                                \
  X(Aam, Monitor, Emulated, "ASCII adjust after multiply (#DE when imm8 is 0)")                \
  X(Aad, Monitor, Emulated, "ASCII adjust before division")                                    \
  X(Salc, Monitor, Emulated, "AL = CF ? 0xFF : 0")                                             \
  X(Bound, Monitor, Emulated, "#BR when the index is out of bounds")                           \
  X(Arpl, Monitor, Emulated, "adjust RPL (MOVSXD in 64-bit mode)")                             \
  X(Cli, Monitor, Privileged, "clear the virtual IF: inline when CPL <= IOPL, else #GP")       \
  X(Sti, Monitor, Privileged, "set the virtual IF: inline when CPL <= IOPL, else #GP")         \
  X(Hlt, Monitor, Privileged, "wait for an interrupt; with IF=0 the VM stops")                 \
  X(Lgdt, Monitor, Privileged, "load the virtual GDTR")                                        \
  X(Lidt, Monitor, Privileged, "load the virtual IDTR")                                        \
  X(Lldt, Monitor, Privileged, "load the virtual LDTR")                                        \
  X(Ltr, Monitor, Privileged, "load the virtual task register")                                \
  X(Lmsw, Monitor, Privileged, "load the low CR0 bits")                                        \
  X(Clts, Monitor, Privileged, "clear CR0.TS")                                                 \
  X(MovCr, Monitor, Privileged, "virtual control registers")                                   \
  X(MovDr, Monitor, Privileged, "virtual debug registers")                                     \
  X(Invd, Monitor, Privileged, "no-op: guest RAM is always coherent")                          \
  X(Wbinvd, Monitor, Privileged, "no-op: guest RAM is always coherent")                        \
  X(Invlpg, Monitor, Privileged, "drop a shadow mapping")                                      \
  X(Rdmsr, Monitor, Privileged, "modeled MSRs; #GP for unknown ones")                          \
  X(Wrmsr, Monitor, Privileged, "modeled MSRs; #GP for unknown ones")                          \
  X(Rdpmc, Monitor, Privileged, "#GP: no performance counters are modeled")                    \
  X(In, Monitor, Privileged, "port bus read")                                                  \
  X(Out, Monitor, Privileged, "port bus write")                                                \
  X(Ins, Monitor, Privileged, "port bus reads into memory, every REP form")                    \
  X(Outs, Monitor, Privileged, "memory to port bus writes, every REP form")                    \
  X(Sysexit, Monitor, Privileged, "to CPL 3: flat CS/SS from SYSENTER_CS, ESP=ECX, EIP=EDX")     \
  X(Iret, Monitor, Privileged, "pop EIP, CS, EFLAGS (and ESP, SS to an outer ring)")           \
  X(Sgdt, Monitor, Sensitive, "store the virtual GDTR, not the host's")                        \
  X(Sidt, Monitor, Sensitive, "store the virtual IDTR, not the host's")                        \
  X(Sldt, Monitor, Sensitive, "store the virtual LDTR selector")                               \
  X(Str, Monitor, Sensitive, "store the virtual task register selector")                       \
  X(Smsw, Monitor, Sensitive, "store the virtual CR0's low bits")                              \
  X(Pushf, Monitor, Sensitive, "push the virtual EFLAGS (IF, IOPL): inline when 32-bit")       \
  X(Popf, Monitor, Sensitive, "IF and IOPL as CPL allows: inline when 32-bit at CPL 0")       \
  X(Lar, Monitor, Sensitive, "read the virtual descriptor's access rights")                    \
  X(Lsl, Monitor, Sensitive, "read the virtual descriptor's limit")                            \
  X(Verr, Monitor, Sensitive, "check the virtual descriptor for reading")                      \
  X(Verw, Monitor, Sensitive, "check the virtual descriptor for writing")                      \
  X(PushSeg, Monitor, Sensitive, "push the virtual selector (its RPL is the guest's CPL)")     \
  X(PopSeg, Monitor, Sensitive, "load a segment register with every check")                    \
  X(MovFromSeg, Monitor, Sensitive, "read the virtual selector")                               \
  X(MovToSeg, Monitor, Sensitive, "load a segment register with every check")                  \
  X(LoadFarPtr, Monitor, Sensitive, "LDS/LES/LFS/LGS/LSS: offset and segment load")            \
  X(CallFar, Monitor, Sensitive, "far call through the virtual GDT/LDT")                       \
  X(JmpFar, Monitor, Sensitive, "far jump through the virtual GDT/LDT")                        \
  X(RetFar, Monitor, Sensitive, "far return through the virtual GDT/LDT")                      \
  X(Int, Monitor, Sensitive, "INT n through the virtual IDT")                                  \
  X(Int3, Monitor, Sensitive, "#BP through the virtual IDT")                                   \
  X(Into, Monitor, Sensitive, "#OF through the virtual IDT when OF is set")                    \
  X(Int1, Monitor, Sensitive, "ICEBP: a #DB trap through the virtual IDT, no gate DPL check")  \
  X(Cpuid, Monitor, CpuModel, "the modeled CPU's leaves")                                      \
  X(Rdtsc, Monitor, CpuModel, "the host TSC (guest time follows the host)")                    \
  X(Rdtscp, Monitor, CpuModel, "#UD: the modeled CPU lacks RDTSCP")                            \
  X(Sysenter, Monitor, CpuModel, "to CPL 0: flat CS/SS from SYSENTER_CS, ESP/EIP from MSRs")    \
  X(Undef, Undef, Innocuous, "raises #UD: UD0/UD1/UD2 or outside the modeled CPU")             \
  X(Unsupported, Monitor, Innocuous, "not handled yet: the VM stops and names it")

namespace bt86::translator {

enum class Treatment : uint8_t { Copy, Stack, String, Branch, Monitor, Undef };
enum class InsnClass : uint8_t { Innocuous, Emulated, Privileged, Sensitive, CpuModel };

enum class Kind : uint8_t {
#define BT86_KIND_ENUM(kind, treatment, cls, what) kind,
  BT86_INSN_TABLE(BT86_KIND_ENUM)
#undef BT86_KIND_ENUM
      Count
};

struct KindInfo {
  const char* name;
  Treatment treatment;
  InsnClass cls;
  const char* what;
};

inline constexpr KindInfo kKindInfo[] = {
#define BT86_KIND_INFO(kind, treatment, cls, what) \
  {#kind, Treatment::treatment, InsnClass::cls, what},
    BT86_INSN_TABLE(BT86_KIND_INFO)
#undef BT86_KIND_INFO
};

inline const KindInfo& info(Kind k) { return kKindInfo[static_cast<int>(k)]; }

}  // namespace bt86::translator
