// System instructions: flags and interrupts, descriptor-table registers, control registers,
// CPUID, RDTSC, MSRs, cache control. Privileged ones raise #GP(0) above CPL 0.
#include <x86intrin.h>

#include "runtime/cpu_model.h"
#include "runtime/guest_access.h"
#include "runtime/machine.h"
#include "runtime/monitor.h"

namespace bt86::runtime {

using translator::Insn;
using translator::Kind;

namespace {

constexpr uint32_t kCr0Pe = 1u << 0, kCr0Ts = 1u << 3, kCr0Et = 1u << 4, kCr0Pg = 1u << 31;
// CR4 bits the modeled CPU accepts: TSD DE PSE PGE PCE OSFXSR OSXMMEXCPT.
constexpr uint32_t kCr4Supported = (1u << 2) | (1u << 3) | (1u << 4) | (1u << 7) | (1u << 8) |
                                   (1u << 9) | (1u << 10);
// POPF at CPL 0 may change these (VM, RF, VIF and VIP are never loaded by POPF).
constexpr uint32_t kPopfMask = kArithFlags | kFlagTF | kFlagIF | kFlagDF | kFlagIOPL | kFlagNT |
                               kFlagAC | kFlagID;

bool gp0(Machine& m) {
  m.raise(13, true, 0);
  return false;
}

uint32_t iopl(const VcpuState& v) { return (v.eflags & kFlagIOPL) >> 12; }

bool load_table_register(Machine& m, const Insn& in, DescriptorTable* t) {
  const SegAddr at = operand_address(m, in, in.ops[0]);
  uint64_t limit = 0, base = 0;
  if (!read_mem(m, at, 2, &limit) || !read_mem(m, at.plus(2), 4, &base)) return false;
  t->limit = uint16_t(limit);
  t->base = in.z.operand_width == 16 ? uint32_t(base) & 0xFFFFFF : uint32_t(base);
  return true;
}

bool store_table_register(Machine& m, const Insn& in, const DescriptorTable& t) {
  const SegAddr at = operand_address(m, in, in.ops[0]);
  return check_access(m, at, 6, Access::kWrite) && write_mem(m, at, 2, t.limit) &&
         write_mem(m, at.plus(2), 4, t.base);
}

bool mov_cr(Machine& m, const Insn& in) {
  VcpuState& v = m.vcpu();
  const bool to_cr = ZydisRegisterGetClass(in.ops[0].reg.value) == ZYDIS_REGCLASS_CONTROL;
  ZydisRegister cr = to_cr ? in.ops[0].reg.value : in.ops[1].reg.value;
  ZydisRegister gpr = to_cr ? in.ops[1].reg.value : in.ops[0].reg.value;
  uint32_t* slot = cr == ZYDIS_REGISTER_CR0   ? &v.cr0
                   : cr == ZYDIS_REGISTER_CR2 ? &v.cr2
                   : cr == ZYDIS_REGISTER_CR3 ? &v.cr3
                   : cr == ZYDIS_REGISTER_CR4 ? &v.cr4
                                              : nullptr;
  if (!slot) {
    m.raise(6);
    return false;
  }
  if (!to_cr) {
    write_reg(m, gpr, *slot);
    return true;
  }
  uint32_t value = read_reg(m, gpr);
  if (cr == ZYDIS_REGISTER_CR0) {
    if (!(value & kCr0Pe)) {
      if (value & kCr0Pg) return gp0(m);  // PG without PE
      return stop_unsupported(m, in, "real mode is not supported yet");
    }
    value |= kCr0Et;
  }
  if (cr == ZYDIS_REGISTER_CR4 && (value & ~kCr4Supported)) return gp0(m);
  const uint32_t old = *slot;
  *slot = value;
  // The TLB (the shadow windows) follows CR3 writes and the paging controls.
  constexpr uint32_t kCr0Paging = kCr0Pg | (1u << 16);  // PG, WP
  constexpr uint32_t kCr4Paging = (1u << 4) | (1u << 7);  // PSE, PGE
  if (cr == ZYDIS_REGISTER_CR3 || (cr == ZYDIS_REGISTER_CR0 && ((old ^ value) & kCr0Paging)) ||
      (cr == ZYDIS_REGISTER_CR4 && ((old ^ value) & kCr4Paging)))
    m.paging_changed();
  return true;
}

// MOV to/from DR0-DR7. DR4/DR5 alias DR6/DR7 unless CR4.DE (then #UD). DR6 and DR7 keep
// their reserved bits (DR6: 0xFFFF0FF0 set; DR7: bit 10 set). Breakpoints are not modeled:
// enabling one stops the VM rather than silently never firing.
bool mov_dr(Machine& m, const Insn& in) {
  VcpuState& v = m.vcpu();
  const bool to_dr = ZydisRegisterGetClass(in.ops[0].reg.value) == ZYDIS_REGCLASS_DEBUG;
  ZydisRegister dr = to_dr ? in.ops[0].reg.value : in.ops[1].reg.value;
  ZydisRegister gpr = to_dr ? in.ops[1].reg.value : in.ops[0].reg.value;
  int n = int(dr - ZYDIS_REGISTER_DR0);
  if (n == 4 || n == 5) {
    if (v.cr4 & (1u << 3)) {
      m.raise(6);
      return false;
    }
    n += 2;
  }
  if (n < 0 || n > 7) {
    m.raise(6);
    return false;
  }
  if (!to_dr) {
    write_reg(m, gpr, v.dr[n]);
    return true;
  }
  uint32_t value = read_reg(m, gpr);
  if (n == 6) value = (value & 0x0000E00F) | 0xFFFF0FF0;
  if (n == 7) {
    value = (value & 0xFFFF23FF) | 0x400;
    if (value & 0xFF) return stop_unsupported(m, in, "hardware breakpoints (DR7 enable bits) are not modeled yet");
  }
  v.dr[n] = value;
  return true;
}

// IA32_MISC_ENABLE: bits 11 and 12 (BTS/PEBS unavailable) are read-only ones; the guest may
// toggle fast strings (0). Other bits read as zero and writes to them are ignored.
constexpr uint64_t kMiscEnableFixed = (1u << 11) | (1u << 12);
constexpr uint64_t kMiscEnableWritable = 1u << 0;

// IA32_ARCH_CAPABILITIES (read-only): RDCL_NO(0) SSB_NO(4) MDS_NO(5) TAA_NO(8)
// SBDR_SSDP_NO(13) FBSDP_NO(14) PSDP_NO(15). The guest
// kernel runs in host user mode, so its mitigations cannot reach the host CPU's buffers
// (VERW there clears nothing the host kernel does not clear itself); each would only cost
// a monitor exit per return to guest user mode. The guest is told it need not.
constexpr uint64_t kArchCapabilities =
    (1u << 0) | (1u << 4) | (1u << 5) | (1u << 8) | (1u << 13) | (1u << 14) | (1u << 15);

bool msr(Machine& m, const Insn& in, bool write) {
  VcpuState& v = m.vcpu();
  uint32_t index = v.gpr[1];
  uint64_t value = (uint64_t(v.gpr[2]) << 32) | v.gpr[0];
  uint32_t* reg32 = nullptr;
  switch (index) {
    case 0x10:  // IA32_TIME_STAMP_COUNTER
      if (write) {
        v.tsc_offset = int64_t(value - __rdtsc());
      } else {
        value = __rdtsc() + uint64_t(v.tsc_offset);
      }
      break;
    case 0x10A:  // IA32_ARCH_CAPABILITIES
      if (write) return gp0(m);
      value = kArchCapabilities;
      break;
    case 0x17:  // IA32_PLATFORM_ID: read-only; platform 0 (the microcode loader reads it)
      if (write) return gp0(m);
      value = 0;
      break;
    case 0x8B:  // IA32_BIOS_SIGN_ID: the loaded microcode revision, none; a write is a no-op
      value = 0;
      break;
    case 0x1A0:  // IA32_MISC_ENABLE: fast strings on, BTS and PEBS unavailable (read-only)
      if (write) v.misc_enable = (value & kMiscEnableWritable) | kMiscEnableFixed;
      else value = v.misc_enable;
      break;
    case 0x174: reg32 = &v.sysenter_cs; break;
    case 0x175: reg32 = &v.sysenter_esp; break;
    case 0x176: reg32 = &v.sysenter_eip; break;
    default:
      return gp0(m);  // an MSR the modeled CPU does not have
  }
  if (reg32) {
    if (write) *reg32 = uint32_t(value);
    else value = *reg32;
  }
  if (!write) {
    v.gpr[0] = uint32_t(value);
    v.gpr[2] = uint32_t(value >> 32);
  }
  (void)in;
  return true;
}

}  // namespace

// SYSENTER/SYSEXIT (SDM vol. 2): flat CS/SS derived from IA32_SYSENTER_CS (CS, CS+8 at
// CPL 0; CS+16, CS+24 with RPL 3 at CPL 3), ESP/EIP from the MSRs or from ECX/EDX. The
// descriptor tables are not read; the hidden parts are fixed flat 32-bit segments.
bool fast_system_call(Machine& m, bool enter) {
  VcpuState& v = m.vcpu();
  const uint16_t cs = uint16_t(v.sysenter_cs & 0xFFFC);
  if (cs == 0 || (!enter && v.cpl != 0)) return gp0(m);
  constexpr uint16_t kCode = 0x0C9B, kData = 0x0C93, kDpl3 = 3u << 5;
  if (enter) {
    v.eflags &= ~(kFlagVM | kFlagIF | kFlagRF);
    v.seg[kCS] = Segment{cs, 0, 0xFFFFFFFF, kCode};
    v.seg[kSS] = Segment{uint16_t(cs + 8), 0, 0xFFFFFFFF, kData};
    v.cpl = 0;
    v.gpr[4] = v.sysenter_esp;
    v.eip = v.sysenter_eip;
  } else {
    v.seg[kCS] = Segment{uint16_t((cs + 16) | 3), 0, 0xFFFFFFFF, uint16_t(kCode | kDpl3)};
    v.seg[kSS] = Segment{uint16_t((cs + 24) | 3), 0, 0xFFFFFFFF, uint16_t(kData | kDpl3)};
    v.cpl = 3;
    v.gpr[4] = v.gpr[1];
    v.eip = v.gpr[2];
  }
  return false;  // eip is set
}

bool perform_system(Machine& m, const Insn& in, Kind k) {
  VcpuState& v = m.vcpu();
  const translator::KindInfo& row = translator::info(k);
  // CPL 0 only, except CLI/STI (IOPL), port I/O (IOPL and the I/O bitmap) and SYSENTER.
  if (row.cls == translator::InsnClass::Privileged && v.cpl != 0 && k != Kind::Cli &&
      k != Kind::Sti && k != Kind::In && k != Kind::Out && k != Kind::Ins && k != Kind::Outs &&
      k != Kind::Sysenter)
    return gp0(m);

  switch (k) {
    case Kind::Cli:
      if (v.cpl > iopl(v)) return gp0(m);
      v.eflags &= ~kFlagIF;
      return true;
    case Kind::Sti:
      if (v.cpl > iopl(v)) return gp0(m);
      if (!(v.eflags & kFlagIF)) v.interrupt_shadow = true;
      v.eflags |= kFlagIF;
      return true;
    case Kind::Hlt:
      // The dispatcher sleeps until an interrupt; with IF clear (and no NMI source) nothing
      // can ever come, which is how Linux halts for good: the VM ends there.
      if (v.eflags & kFlagIF) {
        v.halted = true;
        return true;
      }
      m.stop(StopKind::kHalted, kStatusHalted,
             strfmt("guest halted at EIP 0x%08x with interrupts disabled; nothing can wake it",
                    in.eip));
      v.eip = in.next_eip();
      return false;
    case Kind::Pushf: {
      uint32_t image = v.eflags & ~(kFlagVM | kFlagRF);
      return push32(m, in.z.operand_width == 16 ? image & 0xFFFF : image, in.z.operand_width / 8);
    }
    case Kind::Popf: {
      uint32_t value = 0;
      const unsigned n = in.z.operand_width / 8;
      if (!pop32(m, &value, n)) return false;
      uint32_t mask = kPopfMask;
      if (v.cpl > 0) mask &= ~kFlagIOPL;
      if (v.cpl > iopl(v)) mask &= ~kFlagIF;
      if (n == 2) mask &= 0xFFFF;
      v.eflags = (v.eflags & ~mask) | (value & mask) | 0x2;
      return true;
    }
    case Kind::Cpuid: {
      CpuidResult r = cpuid(v.gpr[0], v.gpr[1]);
      v.gpr[0] = r.eax;
      v.gpr[3] = r.ebx;
      v.gpr[1] = r.ecx;
      v.gpr[2] = r.edx;
      return true;
    }
    case Kind::Rdtsc: {
      if ((v.cr4 & (1u << 2)) && v.cpl != 0) return gp0(m);
      uint64_t t = __rdtsc() + uint64_t(v.tsc_offset);
      v.gpr[0] = uint32_t(t);
      v.gpr[2] = uint32_t(t >> 32);
      return true;
    }
    case Kind::Lgdt: return load_table_register(m, in, &v.gdtr);
    case Kind::Lidt: return load_table_register(m, in, &v.idtr);
    case Kind::Sgdt: return store_table_register(m, in, v.gdtr);
    case Kind::Sidt: return store_table_register(m, in, v.idtr);
    case Kind::MovCr: return mov_cr(m, in);
    case Kind::MovDr: return mov_dr(m, in);
    case Kind::Smsw:
      // To a register SMSW gives all of CR0 (32-bit operand size); to memory, 16 bits.
      return write_operand(m, in, 0, in.ops[0].type == ZYDIS_OPERAND_TYPE_MEMORY
                                         ? v.cr0 & 0xFFFF
                                         : in.z.operand_width == 16 ? v.cr0 & 0xFFFF : v.cr0);
    case Kind::Lmsw: {
      uint32_t value = 0;
      if (!read_operand(m, in, 0, &value)) return false;
      // LMSW loads PE MP EM TS and cannot clear PE.
      v.cr0 = (v.cr0 & ~0xEu) | (value & 0xF) | (v.cr0 & kCr0Pe);
      return true;
    }
    case Kind::Clts: v.cr0 &= ~kCr0Ts; return true;
    case Kind::Invd:
    case Kind::Wbinvd: return true;  // no caches to model
    case Kind::Invlpg: {
      // An address, never accessed: the linear page leaves the shadow windows.
      const SegAddr at = operand_address(m, in, in.ops[0]);
      m.invlpg(v.seg[at.seg].base + at.offset);
      return true;
    }
    case Kind::Rdmsr: return msr(m, in, false);
    case Kind::Wrmsr: return msr(m, in, true);
    case Kind::Rdpmc: return gp0(m);
    case Kind::Sysenter:
    case Kind::Sysexit: return fast_system_call(m, k == Kind::Sysenter);
    default:
      return stop_unsupported(m, in, "this instruction is not handled yet");
  }
}

}  // namespace bt86::runtime
