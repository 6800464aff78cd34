// --sensitive-report: counts, first EIPs, what bt86 gave and what naive ring-3 execution
// gives, the latter measured by the native probes in runtime/host_probes.
#include "runtime/sensitive_report.h"

#include <cpuid.h>
#include <signal.h>
#include <x86intrin.h>

#include <algorithm>
#include <cstring>

#include "runtime/host_probes.h"

namespace bt86::runtime {

using translator::InsnClass;
using translator::Kind;

VcpuSnapshot::VcpuSnapshot(const VcpuState& v)
    : eip(v.eip),
      eflags(v.eflags),
      gdtr(v.gdtr),
      idtr(v.idtr),
      ldtr(v.ldtr.selector),
      tr(v.tr.selector),
      cr0(v.cr0),
      cr4(v.cr4),
      cpl(v.cpl) {
  std::copy(std::begin(v.gpr), std::end(v.gpr), gpr);
  for (int i = 0; i < 6; ++i) sel[i] = v.seg[i].selector;
}

// ===== Reading what bt86 gave =====

namespace report_format {

std::string hex(uint32_t v, int digits) { return strfmt("0x%0*x", digits, v); }

std::string if_iopl(uint64_t flags) {
  return strfmt("IF=%u IOPL=%u", unsigned(flags >> 9) & 1, unsigned(flags >> 12) & 3);
}

}  // namespace report_format

namespace {

constexpr const char* kSegName[6] = {"ES", "CS", "SS", "DS", "FS", "GS"};
constexpr const char* kGprName[8] = {"EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"};

int seg_of(ZydisRegister r) {
  switch (r) {
    case ZYDIS_REGISTER_ES: return kES;
    case ZYDIS_REGISTER_CS: return kCS;
    case ZYDIS_REGISTER_SS: return kSS;
    case ZYDIS_REGISTER_DS: return kDS;
    case ZYDIS_REGISTER_FS: return kFS;
    case ZYDIS_REGISTER_GS: return kGS;
    default: return -1;
  }
}

uint32_t reg_value(const VcpuSnapshot& s, ZydisRegister r) {
  int id = ZydisRegisterGetId(r);
  switch (ZydisRegisterGetClass(r)) {
    case ZYDIS_REGCLASS_GPR32: return s.gpr[id];
    case ZYDIS_REGCLASS_GPR16: return s.gpr[id] & 0xFFFF;
    case ZYDIS_REGCLASS_GPR8: return id < 4 ? s.gpr[id] & 0xFF : (s.gpr[id - 4] >> 8) & 0xFF;
    case ZYDIS_REGCLASS_SEGMENT: return s.sel[seg_of(r)];
    default: return 0;
  }
}

// The effective address (segment offset) of a memory operand from the pre-instruction
// registers. The report shows memory at that address in guest-physical RAM: exact for flat
// segments with paging off, which is where the report's guests run (a known limit).
uint32_t operand_address(const VcpuSnapshot& s, const translator::Insn& in,
                         const ZydisDecodedOperand& op) {
  uint32_t a = op.mem.disp.has_displacement ? uint32_t(op.mem.disp.value) : 0;
  if (op.mem.base != ZYDIS_REGISTER_NONE) a += reg_value(s, op.mem.base);
  if (op.mem.index != ZYDIS_REGISTER_NONE) a += reg_value(s, op.mem.index) * op.mem.scale;
  if (in.z.address_width == 16) a &= 0xFFFF;
  return a;
}

// Operand i: a register from `regs`, a memory operand read now (addressed from `before`), an
// immediate. false: outside guest RAM.
bool operand_value(const translator::Insn& in, int i, const VcpuSnapshot& before,
                   const VcpuSnapshot& regs, const GuestMemory& mem, uint32_t* out) {
  const ZydisDecodedOperand& op = in.ops[i];
  switch (op.type) {
    case ZYDIS_OPERAND_TYPE_REGISTER: *out = reg_value(regs, op.reg.value); return true;
    case ZYDIS_OPERAND_TYPE_IMMEDIATE: *out = uint32_t(op.imm.value.u); return true;
    case ZYDIS_OPERAND_TYPE_MEMORY: {
      uint64_t v = 0;
      if (!mem.read(operand_address(before, in, op), std::min<unsigned>(op.size / 8, 4), &v))
        return false;
      *out = uint32_t(v);
      return true;
    }
    default: return false;
  }
}

using report_format::hex;

uint32_t width_mask(unsigned bits) { return bits >= 32 ? 0xFFFFFFFFu : (1u << bits) - 1; }

using report_format::if_iopl;

// What changed between two snapshots, for rows without a dedicated description.
std::string changes(const VcpuSnapshot& b, const VcpuSnapshot& a) {
  std::string out;
  auto add = [&](const std::string& s) { out += (out.empty() ? "" : ", ") + s; };
  for (int i = 0; i < 8; ++i)
    if (b.gpr[i] != a.gpr[i]) add(strfmt("%s %s -> %s", kGprName[i], hex(b.gpr[i]).c_str(),
                                         hex(a.gpr[i]).c_str()));
  static constexpr struct { uint32_t mask; int shift; const char* name; } kFlags[] = {
      {kFlagCF, 0, "CF"}, {kFlagZF, 6, "ZF"}, {kFlagSF, 7, "SF"}, {kFlagOF, 11, "OF"},
      {kFlagTF, 8, "TF"}, {kFlagIF, 9, "IF"}, {kFlagDF, 10, "DF"}, {kFlagIOPL, 12, "IOPL"},
      {kFlagNT, 14, "NT"}, {kFlagAC, 18, "AC"}, {kFlagID, 21, "ID"}};
  for (const auto& f : kFlags)
    if ((b.eflags ^ a.eflags) & f.mask)
      add(strfmt("%s %u -> %u", f.name, (b.eflags & f.mask) >> f.shift,
                 (a.eflags & f.mask) >> f.shift));
  for (int i = 0; i < 6; ++i)
    if (b.sel[i] != a.sel[i])
      add(strfmt("%s %s -> %s", kSegName[i], hex(b.sel[i], 4).c_str(), hex(a.sel[i], 4).c_str()));
  if (b.gdtr.base != a.gdtr.base || b.gdtr.limit != a.gdtr.limit)
    add(strfmt("GDTR base %s limit %s", hex(a.gdtr.base).c_str(), hex(a.gdtr.limit, 4).c_str()));
  if (b.idtr.base != a.idtr.base || b.idtr.limit != a.idtr.limit)
    add(strfmt("IDTR base %s limit %s", hex(a.idtr.base).c_str(), hex(a.idtr.limit, 4).c_str()));
  if (b.ldtr != a.ldtr) add(strfmt("LDTR %s -> %s", hex(b.ldtr, 4).c_str(), hex(a.ldtr, 4).c_str()));
  if (b.tr != a.tr) add(strfmt("TR %s -> %s", hex(b.tr, 4).c_str(), hex(a.tr, 4).c_str()));
  if (b.cr0 != a.cr0) add(strfmt("CR0 %s -> %s", hex(b.cr0).c_str(), hex(a.cr0).c_str()));
  if (b.cr4 != a.cr4) add(strfmt("CR4 %s -> %s", hex(b.cr4).c_str(), hex(a.cr4).c_str()));
  if (b.cpl != a.cpl) add(strfmt("CPL %u -> %u", b.cpl, a.cpl));
  return out.empty() ? "no register changed" : out;
}

bool is_transfer(Kind k) {
  switch (k) {
    case Kind::CallFar: case Kind::JmpFar: case Kind::RetFar: case Kind::Int: case Kind::Int3:
    case Kind::Into: case Kind::Iret: case Kind::Sysenter: case Kind::Sysexit: return true;
    default: return false;
  }
}

std::string cpuid_text(uint32_t leaf, uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  if (leaf == 0) {
    char v[13] = {};
    std::memcpy(v, &b, 4);
    std::memcpy(v + 4, &d, 4);
    std::memcpy(v + 8, &c, 4);
    return strfmt("\"%s\", max leaf %u", v, a);
  }
  if (leaf == 1)
    return strfmt("signature %s (family %u model %u stepping %u), ECX %s EDX %s", hex(a).c_str(),
                  ((a >> 8) & 0xF) + ((a >> 20) & 0xFF), ((a >> 4) & 0xF) | ((a >> 12) & 0xF0),
                  a & 0xF, hex(c).c_str(), hex(d).c_str());
  return strfmt("EAX %s EBX %s ECX %s EDX %s", hex(a).c_str(), hex(b).c_str(), hex(c).c_str(),
                hex(d).c_str());
}

// The selector a far transfer or a segment load goes to; false when it cannot be read.
bool target_selector(const translator::Insn& in, Kind k, const VcpuSnapshot& b,
                     const GuestMemory& mem, uint16_t* sel) {
  const unsigned n = in.z.operand_width / 8;
  uint64_t v = 0;
  switch (k) {
    case Kind::MovToSeg: {
      uint32_t s = 0;
      if (!operand_value(in, 1, b, b, mem, &s)) return false;
      *sel = uint16_t(s);
      return true;
    }
    case Kind::PopSeg:
      if (!mem.read(b.gpr[4], 2, &v)) return false;
      break;
    case Kind::RetFar:
      if (!mem.read(b.gpr[4] + n, 2, &v)) return false;
      break;
    case Kind::LoadFarPtr:
      if (!mem.read(operand_address(b, in, in.ops[1]) + n, 2, &v)) return false;
      break;
    case Kind::CallFar:
    case Kind::JmpFar:
      if (in.ops[0].type == ZYDIS_OPERAND_TYPE_POINTER) {
        *sel = in.ops[0].ptr.segment;
        return true;
      }
      if (in.ops[0].type != ZYDIS_OPERAND_TYPE_MEMORY ||
          !mem.read(operand_address(b, in, in.ops[0]) + n, 2, &v))
        return false;
      break;
    default: return false;
  }
  *sel = uint16_t(v);
  return true;
}

// The segment register a load writes.
int loaded_segment(const translator::Insn& in, Kind k) {
  if (k == Kind::MovToSeg || k == Kind::PopSeg) return seg_of(in.ops[0].reg.value);
  switch (in.z.mnemonic) {
    case ZYDIS_MNEMONIC_LDS: return kDS;
    case ZYDIS_MNEMONIC_LES: return kES;
    case ZYDIS_MNEMONIC_LFS: return kFS;
    case ZYDIS_MNEMONIC_LGS: return kGS;
    case ZYDIS_MNEMONIC_LSS: return kSS;
    default: return -1;
  }
}

// The SGDT/SIDT operand as bt86 stored it: limit word, then the 32-bit base.
std::string stored_table(const translator::Insn& in, const VcpuSnapshot& b,
                         const GuestMemory& mem) {
  uint32_t addr = operand_address(b, in, in.ops[0]);
  uint64_t limit = 0, base = 0;
  if (!mem.read(addr, 2, &limit) || !mem.read(addr + 2, 4, &base))
    return strfmt("(its operand %s is outside guest RAM)", hex(addr).c_str());
  return strfmt("limit %s base %s (the guest's own table register)", hex(uint32_t(limit), 4).c_str(),
                hex(uint32_t(base)).c_str());
}

std::string gave(const translator::Insn& in, Kind k, const VcpuSnapshot& b,
                 const VcpuSnapshot& a, const GuestMemory& mem) {
  if (is_transfer(k)) {
    if (a.eip == b.eip) return "did not complete (an exception or a VM stop)";
    std::string s = strfmt("continued at %s:%s", hex(a.sel[kCS], 4).c_str(), hex(a.eip).c_str());
    if (k == Kind::Iret) {
      const unsigned n = in.z.operand_width / 8;
      uint64_t requested = 0;
      if (mem.read(b.gpr[4] + 2 * n, n, &requested))
        s += strfmt("; popped EFLAGS %s asks %s, virtual EFLAGS now %s",
                    hex(uint32_t(requested)).c_str(), if_iopl(requested).c_str(),
                    if_iopl(a.eflags).c_str());
    }
    return s;
  }
  if (a.eip != in.next_eip()) return "did not complete (an exception or a VM stop)";
  uint32_t v = 0;
  switch (k) {
    case Kind::Sgdt:
    case Kind::Sidt: return stored_table(in, b, mem);
    case Kind::Smsw:
    case Kind::Sldt:
    case Kind::Str:
    case Kind::MovFromSeg:
    {
      if (!operand_value(in, 0, b, a, mem, &v)) return "(its operand is outside guest RAM)";
      const bool to_mem = in.ops[0].type == ZYDIS_OPERAND_TYPE_MEMORY;
      const unsigned bits = to_mem ? 16 : in.ops[0].size;  // these store 16 bits to memory
      return strfmt("%s %s", to_mem ? "stored" : "wrote", hex(v & width_mask(bits), bits / 4).c_str());
    }
    case Kind::Pushf: {
      uint64_t pushed = 0;
      if (!mem.read(a.gpr[4], in.z.operand_width / 8, &pushed)) return "(stack outside guest RAM)";
      return strfmt("pushed %s (virtual %s)", hex(uint32_t(pushed)).c_str(),
                    if_iopl(pushed).c_str());
    }
    case Kind::Popf: {
      uint64_t popped = 0;
      if (!mem.read(b.gpr[4], in.z.operand_width / 8, &popped)) return "(stack outside guest RAM)";
      return strfmt("popped %s asking %s; virtual EFLAGS %s -> %s", hex(uint32_t(popped)).c_str(),
                    if_iopl(popped).c_str(), if_iopl(b.eflags).c_str(), if_iopl(a.eflags).c_str());
    }
    case Kind::PushSeg: {
      uint64_t pushed = 0;
      if (!mem.read(a.gpr[4], 2, &pushed)) return "(stack outside guest RAM)";
      return strfmt("pushed %s %s (RPL %u = the guest's CPL %u)",
                    kSegName[seg_of(in.ops[0].reg.value)], hex(uint32_t(pushed), 4).c_str(),
                    unsigned(pushed & 3), b.cpl);
    }
    case Kind::PopSeg:
    case Kind::MovToSeg:
    case Kind::LoadFarPtr: {
      int s = loaded_segment(in, k);
      if (s < 0) return changes(b, a);
      if ((a.sel[s] & ~3u) == 0)
        return strfmt("loaded %s = %s (a null selector)", kSegName[s], hex(a.sel[s], 4).c_str());
      return strfmt("loaded %s = %s from the guest's %s", kSegName[s], hex(a.sel[s], 4).c_str(),
                    (a.sel[s] & 4) ? "LDT" : "GDT");
    }
    case Kind::Lar:
    case Kind::Lsl: {
      if (!(a.eflags & kFlagZF)) return "ZF=0 (the guest's descriptor is not visible)";
      uint32_t d = reg_value(a, in.ops[0].reg.value);
      return strfmt("ZF=1, %s %s", k == Kind::Lar ? "access rights" : "limit", hex(d).c_str());
    }
    case Kind::Verr:
    case Kind::Verw:
      return strfmt("ZF=%u", (a.eflags & kFlagZF) ? 1u : 0u);
    case Kind::Cpuid:
      return strfmt("leaf %s: %s", hex(b.gpr[0]).c_str(),
                    cpuid_text(b.gpr[0], a.gpr[0], a.gpr[3], a.gpr[1], a.gpr[2]).c_str());
    case Kind::Rdtsc:
      return strfmt("EDX:EAX = 0x%08x%08x (host TSC + the guest's offset)", a.gpr[2], a.gpr[0]);
    case Kind::Cli:
    case Kind::Sti:
      return strfmt("virtual IF %u -> %u", (b.eflags >> 9) & 1, (a.eflags >> 9) & 1);
    case Kind::In:
    case Kind::Out: {
      const ZydisDecodedOperand& port_op = in.ops[k == Kind::In ? 1 : 0];
      uint32_t port = port_op.type == ZYDIS_OPERAND_TYPE_IMMEDIATE ? uint32_t(port_op.imm.value.u)
                                                                  : b.gpr[2] & 0xFFFF;
      const unsigned bits = in.ops[k == Kind::In ? 0 : 1].size;
      const uint32_t mask = width_mask(bits);
      if (k == Kind::In)
        return strfmt("read %s from port %s (device model)", hex(a.gpr[0] & mask, bits / 4).c_str(),
                      hex(port, 4).c_str());
      return strfmt("wrote %s to port %s (device model)", hex(b.gpr[0] & mask, bits / 4).c_str(),
                    hex(port, 4).c_str());
    }
    default: return changes(b, a);
  }
}

// ===== What naive ring-3 execution gives =====

struct Naive {
  std::string text;
  bool measured = false;
};

std::string native_outcome(const NativeResult& r) {
  if (r.signal == SIGSEGV) return "faults: SIGSEGV (#GP at CPL 3)";
  if (r.signal) return strfmt("faults: signal %d", r.signal);
  return "";
}

std::string selector_answer(uint16_t sel, const SelectorProbe& p, Kind k) {
  std::string which = strfmt("the host's %s entry %u", (sel & 4) ? "LDT" : "GDT", sel >> 3);
  switch (k) {
    case Kind::Lar:
      return p.lar_ok ? strfmt("ZF=1, access rights %s (%s)", hex(p.access).c_str(), which.c_str())
                      : strfmt("ZF=0 (%s is not visible at CPL 3)", which.c_str());
    case Kind::Lsl:
      return p.lsl_ok ? strfmt("ZF=1, limit %s (%s)", hex(p.limit).c_str(), which.c_str())
                      : strfmt("ZF=0 (%s is not visible at CPL 3)", which.c_str());
    case Kind::Verr: return strfmt("ZF=%u (%s)", p.verr ? 1u : 0u, which.c_str());
    case Kind::Verw: return strfmt("ZF=%u (%s)", p.verw ? 1u : 0u, which.c_str());
    default:
      return p.load_signal
                 ? strfmt("faults: %s (loading %s at CPL 3 checks %s)",
                          p.load_signal == SIGSEGV ? "SIGSEGV (#GP)" : "a signal",
                          hex(sel, 4).c_str(), which.c_str())
                 : strfmt("loads %s's descriptor, access rights %s", which.c_str(),
                          hex(p.access).c_str());
  }
}

std::string table_answer(const NativeResult& r, bool idt) {
  if (r.signal) return native_outcome(r) + ": UMIP is on and not emulated";
  // A 32-bit store keeps the low 32 bits of the base.
  std::string s = strfmt("limit %s base %s", hex(r.limit, 4).c_str(), hex(uint32_t(r.value)).c_str());
  const uint64_t dummy = idt ? 0xFFFFFFFFFFFF0000ull : 0xFFFFFFFFFFFE0000ull;
  if (r.limit == 0 && r.value == dummy)
    return s + " (Linux's UMIP stand-in: the guest learns nothing, not even its own table)";
  return s + strfmt(" (the host kernel's real %s at 0x%016llx: its address leaks)",
                    idt ? "IDT" : "GDT", (unsigned long long)r.value);
}

Naive naive(const translator::Insn& in, Kind k, const VcpuSnapshot& b, const GuestMemory& mem) {
  const HostFacts& h = host_facts();
  const InsnClass cls = translator::info(k).cls;
  const bool to_mem = in.z.operand_count_visible > 0 && in.ops[0].type == ZYDIS_OPERAND_TYPE_MEMORY;
  uint16_t sel = 0;
  switch (k) {
    case Kind::Sgdt: return {table_answer(h.sgdt, false), true};
    case Kind::Sidt: return {table_answer(h.sidt, true), true};
    case Kind::Smsw:
    case Kind::Sldt:
    case Kind::Str: {
      const NativeResult& r = k == Kind::Smsw ? (to_mem ? h.smsw_mem : h.smsw_reg)
                              : k == Kind::Sldt ? h.sldt
                                                : h.str;
      if (r.signal) return {native_outcome(r), true};
      const unsigned bits = to_mem ? 16 : in.ops[0].size;
      const char* what = k == Kind::Smsw ? "CR0" : k == Kind::Sldt ? "LDT selector" : "TSS selector";
      return {strfmt("%s %s (the host's %s, or Linux's UMIP stand-in for it)",
                     to_mem ? "stores" : "writes",
                     hex(uint32_t(r.value) & width_mask(bits), bits / 4).c_str(), what),
              true};
    }
    case Kind::Pushf: {
      uint32_t image = (b.eflags & ~(kFlagIF | kFlagIOPL | kFlagVM | kFlagRF)) |
                       (uint32_t(h.rflags) & (kFlagIF | kFlagIOPL));
      if (in.z.operand_width == 16) image &= 0xFFFF;
      return {strfmt("pushes %s: %s, the host's, not the guest's", hex(image).c_str(),
                     if_iopl(h.rflags).c_str()),
              true};
    }
    case Kind::Popf: {
      uint64_t popped = 0;
      if (!mem.read(b.gpr[4], in.z.operand_width / 8, &popped)) break;
      uint64_t got = probe_popf(uint32_t(popped));
      bool dropped = ((got ^ popped) & (kFlagIF | kFlagIOPL)) != 0;
      return {strfmt("no trap; RFLAGS after it %s%s", if_iopl(got).c_str(),
                     dropped ? ": the requested change is silently dropped" : ""),
              true};
    }
    case Kind::Iret: {
      const unsigned n = in.z.operand_width / 8;
      uint64_t popped = 0;
      if (!mem.read(b.gpr[4] + 2 * n, n, &popped)) break;
      NativeResult r = probe_iret(uint32_t(popped));
      if (r.signal) return {native_outcome(r), true};
      bool dropped = ((r.value ^ popped) & (kFlagIF | kFlagIOPL)) != 0;
      return {strfmt("to the same ring: no trap; RFLAGS after it %s%s; to ring 0: #GP",
                     if_iopl(r.value).c_str(),
                     dropped ? " (the requested IF/IOPL silently dropped)" : ""),
              true};
    }
    case Kind::PushSeg:
    case Kind::MovFromSeg: {
      int s = seg_of(in.ops[k == Kind::PushSeg ? 0 : 1].reg.value);
      std::string host = strfmt("on the host's segments: %s = %s", kSegName[s],
                                hex(h.sel[s], 4).c_str());
      if (s == kCS) host += " (64-bit; the host's 32-bit user code segment is 0x0023 on Linux)";
      return {strfmt("%s; on its own descriptors at CPL 3: %s (RPL 3 gives the ring away)",
                     host.c_str(), hex((b.sel[s] & ~3u) | 3u, 4).c_str()),
              true};
    }
    case Kind::Lar:
    case Kind::Lsl:
    case Kind::Verr:
    case Kind::Verw: {
      uint32_t s = 0;
      if (!operand_value(in, k == Kind::Lar || k == Kind::Lsl ? 1 : 0, b, b, mem, &s)) break;
      return {strfmt("for %s: %s", hex(uint16_t(s), 4).c_str(),
                     selector_answer(uint16_t(s), probe_selector(uint16_t(s)), k).c_str()),
              true};
    }
    case Kind::PopSeg:
    case Kind::MovToSeg:
    case Kind::LoadFarPtr:
      if (!target_selector(in, k, b, mem, &sel)) break;
      if (loaded_segment(in, k) == kSS && (sel & 3) != 3)
        return {strfmt("faults: #GP(%s): SS needs RPL = CPL = 3", hex(sel & ~3u, 4).c_str()),
                false};
      return {selector_answer(sel, probe_selector(sel), Kind::MovToSeg), true};
    case Kind::CallFar:
    case Kind::JmpFar:
    case Kind::RetFar: {
      if (!target_selector(in, k, b, mem, &sel)) break;
      SelectorProbe p = probe_selector(sel);
      return {strfmt("goes through the host's GDT: for %s %s", hex(sel, 4).c_str(),
                     p.lar_ok ? strfmt("the host has a descriptor, access rights %s",
                                       hex(p.access).c_str()).c_str()
                              : "the host's entry is not usable at CPL 3 (LAR ZF=0): #GP"),
              true};
    }
    case Kind::Int:
    case Kind::Int3:
    case Kind::Into:
      return {"vectors through the host's IDT: Linux turns INT3 into SIGTRAP, INT 0x80 into a "
              "host system call, other vectors into SIGSEGV; the guest's IDT is never used",
              false};
    case Kind::Cpuid: {
      unsigned a, bb, c, d;
      __cpuid_count(b.gpr[0], b.gpr[1], a, bb, c, d);
      return {strfmt("the host's leaf %s: %s", hex(b.gpr[0]).c_str(),
                     cpuid_text(b.gpr[0], a, bb, c, d).c_str()),
              true};
    }
    case Kind::Rdtsc:
      return {strfmt("no trap (CR4.TSD is clear): the raw host TSC, e.g. 0x%016llx",
                     (unsigned long long)__rdtsc()),
              true};
    case Kind::Rdtscp:
      if (h.rdtscp.signal) return {native_outcome(h.rdtscp), true};
      return {strfmt("runs: the host TSC and TSC_AUX %s (Linux puts the host CPU number there)",
                     hex(uint32_t(h.rdtscp.value)).c_str()),
              true};
    case Kind::Sysenter:
      return {"enters the host kernel's system-call path through the host's SYSENTER MSRs "
              "(#UD on AMD CPUs in compatibility mode); the guest's MSRs are not used",
              false};
    case Kind::Cli:
      if (h.cli.signal) return {native_outcome(h.cli) + ": trap-and-emulate would catch it", true};
      return {"runs: IOPL is 3 in this host process", true};
    case Kind::In:
    case Kind::Out:
    case Kind::Ins:
    case Kind::Outs:
      return {"traps: #GP at CPL 3 (IOPL 0, no I/O-bitmap grant in Linux's TSS)", false};
    case Kind::Rdpmc:
      return {"traps: #GP at CPL 3 unless CR4.PCE (Linux sets it only for perf-event users)",
              false};
    default: break;
  }
  switch (cls) {
    case InsnClass::Privileged:
      return {"traps: #GP at CPL 3, so trap-and-emulate would catch it", false};
    case InsnClass::Emulated:
      return {"the same as bt86 (innocuous: natively valid in a 32-bit code segment)", false};
    default: return {"(could not read the operand)", false};
  }
}

}  // namespace

// ===== The report =====

void SensitiveReport::observe(const translator::Insn& in, Kind kind, const VcpuSnapshot& before,
                              const VcpuSnapshot& after, const GuestMemory& mem) {
  if (kind >= Kind::Count || translator::info(kind).cls == InsnClass::Innocuous) return;
  Entry& e = entries_[size_t(kind)];
  ++e.count;
  if (e.samples.size() >= kMaxSamples) return;
  for (const Sample& s : e.samples)
    if (s.eip == in.eip) return;
  Naive n = naive(in, kind, before, mem);
  e.samples.push_back(Sample{in.eip, translator::format_insn(in), gave(in, kind, before, after, mem),
                             std::move(n.text), n.measured});
}

}  // namespace bt86::runtime
