// Hardware task switches between 32-bit TSSs; see task_switch.h. The steps and their order
// are the SDM's (Vol. 3A 7.3): check the new TSS, reach both TSSs, save the old task, mark
// the busy bits and the link, then (the commit point) TR, CR0.TS, CR3, the registers, and
// the LDT and segments, checked as Table 7-1 lists them.
#include "runtime/task_switch.h"

#include <algorithm>
#include <cstring>

#include "runtime/guest_access.h"
#include "runtime/machine.h"
#include "runtime/monitor.h"
#include "runtime/privilege.h"

namespace bt86::runtime {

namespace {

constexpr uint8_t kTss16Available = 0x1, kTss16Busy = 0x3, kTss32Available = 0x9, kTss32Busy = 0xB,
                  kTypeLdt = 0x2;
constexpr uint8_t kBusyBit = 0x2;  // in a TSS descriptor's type field
constexpr uint32_t kCr0Ts = 1u << 3, kCr0Pg = 1u << 31;
constexpr uint32_t kDr7LocalEnables = 0x155;  // L0-L3 and LE: a task switch clears them

// 32-bit TSS fields (SDM Figure 7-2).
constexpr uint32_t kTssLink = 0x00, kTssCr3 = 0x1C, kTssEip = 0x20, kTssEflags = 0x24,
                   kTssGpr = 0x28, kTssSeg = 0x48, kTssLdt = 0x60, kTssTrap = 0x64;
constexpr uint32_t kTss32Size = 0x68;               // a 32-bit TSS's limit is at least 0x67
constexpr uint32_t kTssSavedEnd = kTssSeg + 6 * 4;  // a switch writes EIP .. GS

// What EFLAGS can take from a TSS: every defined bit (bit 1 always reads as one).
constexpr uint32_t kLoadableFlags = kArithFlags | kFlagTF | kFlagIF | kFlagDF | kFlagIOPL |
                                    kFlagNT | kFlagRF | kFlagVM | kFlagAC | kFlagID |
                                    (3u << 19);  // VIF, VIP

constexpr Raise kStopped{-1, 0};

Raise fault(int vector, uint16_t selector, uint32_t ext) {
  return Raise{vector, (selector & ~3u) | ext};
}

// The dynamic fields of the new task's TSS, read before anything changes.
struct TssImage {
  uint32_t cr3, eip, eflags;
  uint32_t gpr[8];  // encoding order, as VcpuState::gpr
  uint16_t seg[6];  // ES CS SS DS FS GS, as VcpuState::seg
  uint16_t ldt;
  bool debug_trap;  // the T bit: a #DB when the task starts
};

// read_system / write_system, with an access outside guest RAM stopping the VM as well (they
// stop it themselves only for a #PF). False: the VM has stopped.
bool system_read(Machine& m, uint32_t linear, unsigned size, uint64_t* out) {
  if (read_system(m, linear, size, out)) return true;
  if (!m.stopped()) stop_outside_ram(m, linear);
  return false;
}

bool system_write(Machine& m, uint32_t linear, unsigned size, uint64_t value) {
  if (write_system(m, linear, size, value)) return true;
  if (!m.stopped()) stop_outside_ram(m, linear);
  return false;
}

bool stop_task(Machine& m, const char* what, uint16_t selector) {
  m.stop(StopKind::kGuestError, kStatusGuestError,
         strfmt("a task switch to TSS 0x%04x at EIP 0x%08x needs %s, which bt86 does not do "
                "yet",
                selector, m.vcpu().eip, what));
  return false;
}

bool read_tss(Machine& m, uint32_t base, TssImage* out) {
  uint8_t raw[kTss32Size];
  for (uint32_t at = 0; at < kTss32Size; at += 8) {
    uint64_t q = 0;
    if (!system_read(m, base + at, 8, &q)) return false;
    std::memcpy(raw + at, &q, 8);
  }
  auto dword = [&](uint32_t off) {
    uint32_t x;
    std::memcpy(&x, raw + off, 4);
    return x;
  };
  out->cr3 = dword(kTssCr3);
  out->eip = dword(kTssEip);
  out->eflags = dword(kTssEflags);
  for (int i = 0; i < 8; ++i) out->gpr[i] = dword(kTssGpr + 4 * i);
  for (int s = 0; s < 6; ++s) out->seg[s] = uint16_t(dword(kTssSeg + 4 * s));
  out->ldt = uint16_t(dword(kTssLdt));
  out->debug_trap = dword(kTssTrap) & 1;
  return true;
}

// The task being left must have a 32-bit TSS for its state; bt86 has no 16-bit tasks, and
// a CPU whose TR was never loaded has nowhere sensible to save it.
std::optional<Raise> check_current_tss(Machine& m, uint32_t ext) {
  const Segment& tr = m.vcpu().tr;
  if (!tr_is_tss32(m.vcpu())) {
    m.stop(StopKind::kGuestError, kStatusGuestError,
           strfmt("a task switch at EIP 0x%08x from a task whose TR (0x%04x) holds no 32-bit "
                  "TSS; bt86 does not do that",
                  m.vcpu().eip, tr.selector));
    return kStopped;
  }
  if (tr.limit < kTssSavedEnd - 1) return fault(10, tr.selector, ext);
  return std::nullopt;
}

// What bt86 cannot run in the new task; it stops before anything changes.
bool supported(Machine& m, uint16_t selector, const TssImage& next) {
  if (next.eflags & kFlagVM) return stop_task(m, "virtual-8086 mode (EFLAGS.VM set)", selector);
  if (next.debug_trap) return stop_task(m, "the #DB of the TSS's T bit", selector);
  return true;
}

bool set_busy(Machine& m, uint16_t selector, bool busy) {
  const uint32_t type_byte = descriptor_address(m, selector) + 5;
  uint64_t b = 0;
  if (!system_read(m, type_byte, 1, &b)) return false;
  b = busy ? (b | kBusyBit) : (b & ~uint64_t(kBusyBit));
  return system_write(m, type_byte, 1, b);
}

// The state of the task being left, into its TSS (SDM 7.3 step 7): EIP, EFLAGS, the general
// registers and the segment selectors. CR3 and the LDT selector are not written: the CPU
// treats them as static fields.
bool save_state(Machine& m, uint32_t base, uint32_t eip, uint32_t eflags) {
  const VcpuState& v = m.vcpu();
  bool ok =
      system_write(m, base + kTssEip, 4, eip) && system_write(m, base + kTssEflags, 4, eflags);
  for (int i = 0; ok && i < 8; ++i) ok = system_write(m, base + kTssGpr + 4 * i, 4, v.gpr[i]);
  for (int s = 0; ok && s < 6; ++s)
    ok = system_write(m, base + kTssSeg + 4 * s, 2, v.seg[s].selector);
  return ok;
}

bool nests(TaskSource s) {
  return s == TaskSource::kCall || s == TaskSource::kInterrupt;
}

// Everything before the commit point that writes memory (SDM 7.3 steps 6-9). Only guest
// memory changes here; `next` is read again if saving the old task wrote over it.
bool suspend_current_task(Machine& m, const TaskSwitch& t, TssImage* next) {
  VcpuState& v = m.vcpu();
  const Segment old = v.tr;
  if ((t.source == TaskSource::kJmp || t.source == TaskSource::kIret) &&
      !set_busy(m, old.selector, false))
    return false;
  const uint32_t saved_flags = t.source == TaskSource::kIret ? v.eflags & ~kFlagNT : v.eflags;
  if (!save_state(m, old.base, t.return_eip, saved_flags)) return false;
  if (nests(t.source) && !system_write(m, t.tss.base + kTssLink, 2, old.selector)) return false;
  const bool overlaps =
      t.tss.base < old.base + kTssSavedEnd && old.base + kTssEip < t.tss.base + kTss32Size;
  if (overlaps && !read_tss(m, t.tss.base, next)) return false;
  return t.source == TaskSource::kIret || set_busy(m, t.selector, true);
}

// Past the commit point: TR, CR0.TS, CR3, EFLAGS, EIP, the general registers, and each
// segment register holding only its selector (unusable) until it is loaded and checked, so
// a fault in between leaves it so, as on hardware. CPL is the new CS selector's RPL.
void load_task_registers(Machine& m, const TaskSwitch& t, const TssImage& next) {
  VcpuState& v = m.vcpu();
  v.tr = Segment{t.selector, t.tss.base, t.tss.limit, uint16_t(t.tss.attrib | kBusyBit)};
  v.cr0 |= kCr0Ts;
  v.dr[7] &= ~kDr7LocalEnables;
  // With paging off the CR3 field is not loaded (QEMU and Bochs agree; the SDM ties the
  // field to paging). Only a changed CR3 invalidates translations (SDM 4.10.4.1).
  if ((v.cr0 & kCr0Pg) && next.cr3 != v.cr3) {
    v.cr3 = next.cr3;
    m.paging_changed();
  }
  v.eflags = (next.eflags & kLoadableFlags) | 0x2 | (nests(t.source) ? kFlagNT : 0);
  v.eip = next.eip;
  std::copy(std::begin(next.gpr), std::end(next.gpr), v.gpr);
  for (int s = 0; s < 6; ++s) v.seg[s] = Segment{next.seg[s], 0, 0, 0};
  v.ldtr = Segment{next.ldt, 0, 0, 0};
  v.cpl = next.seg[kCS] & 3;
}

// The new task's LDT: a null selector, or a present LDT descriptor in the GDT; else
// #TS(LDT selector) (Table 7-1).
std::optional<Raise> load_ldt(Machine& m, uint16_t sel, uint32_t ext) {
  if ((sel & ~3u) == 0) return std::nullopt;
  if (sel & 4) return fault(10, sel, ext);
  auto d = read_descriptor(m, sel);
  if (m.stopped()) return kStopped;
  if (!d || !d->system || d->type != kTypeLdt || !d->present) return fault(10, sel, ext);
  m.vcpu().ldtr = Segment{sel, d->base, d->limit, d->attrib};
  return std::nullopt;
}

// CS: a code segment whose DPL is its selector's RPL (at most, if conforming), else #TS.
std::optional<Raise> check_code(Machine& m, uint16_t sel, uint32_t ext, Descriptor* out) {
  if ((sel & ~3u) == 0) return fault(10, sel, ext);
  auto d = read_descriptor(m, sel);
  if (m.stopped()) return kStopped;
  if (!d || !d->is_code()) return fault(10, sel, ext);
  const uint8_t rpl = sel & 3;
  const bool conforming = d->type & 4;
  if (conforming ? d->dpl > rpl : d->dpl != rpl) return fault(10, sel, ext);
  *out = *d;
  return std::nullopt;
}

// SS: writable data (#TS), present (#SS), DPL equal to CPL and to its RPL (#TS).
std::optional<Raise> load_stack(Machine& m, uint16_t sel, uint32_t ext) {
  VcpuState& v = m.vcpu();
  if ((sel & ~3u) == 0) return fault(10, sel, ext);
  auto d = read_descriptor(m, sel);
  if (m.stopped()) return kStopped;
  if (!d || d->system || d->is_code() || !(d->type & 2)) return fault(10, sel, ext);
  if (!d->present) return fault(12, sel, ext);
  if (d->dpl != v.cpl || (sel & 3) != v.cpl) return fault(10, sel, ext);
  mark_accessed(m, sel);
  v.seg[kSS] = loaded_segment(sel, *d);
  return std::nullopt;
}

// DS, ES, FS, GS: null, or data or readable code (#TS), present (#NP), and for data and
// non-conforming code a DPL no lower than CPL and the RPL (#TS).
std::optional<Raise> load_data(Machine& m, int seg, uint16_t sel, uint32_t ext) {
  VcpuState& v = m.vcpu();
  if ((sel & ~3u) == 0) return std::nullopt;  // null: loads, unusable
  auto d = read_descriptor(m, sel);
  if (m.stopped()) return kStopped;
  if (!d || d->system || (d->is_code() && !(d->type & 2))) return fault(10, sel, ext);
  if (!d->present) return fault(11, sel, ext);
  const bool conforming_code = d->is_code() && (d->type & 4);
  if (!conforming_code && (d->dpl < v.cpl || d->dpl < (sel & 3))) return fault(10, sel, ext);
  mark_accessed(m, sel);
  v.seg[seg] = loaded_segment(sel, *d);
  return std::nullopt;
}

// The new task's LDT and segment registers, in the order of Table 7-1: the LDT, CS's
// type and privilege, SS, CS present (#NP), then the data segments.
std::optional<Raise> load_task_segments(Machine& m, const TssImage& next, uint32_t ext) {
  VcpuState& v = m.vcpu();
  if (auto r = load_ldt(m, next.ldt, ext)) return r;
  const uint16_t cs = next.seg[kCS];
  Descriptor code;
  if (auto r = check_code(m, cs, ext, &code)) return r;
  if (auto r = load_stack(m, next.seg[kSS], ext)) return r;
  if (!code.present) return fault(11, cs, ext);
  if (!code.db) {
    stop_task(m, "a 16-bit code segment (D = 0)", v.tr.selector);
    return kStopped;
  }
  mark_accessed(m, cs);
  v.seg[kCS] = loaded_segment(cs, code);
  for (int s : {kES, kDS, kFS, kGS})
    if (auto r = load_data(m, s, next.seg[s], ext)) return r;
  return std::nullopt;
}

// An exception's error code goes on the new task's stack (SDM INT n, TASK-GATE): #SS(EXT)
// if it does not fit.
std::optional<Raise> push_error_code(Machine& m, uint32_t error, uint32_t ext) {
  VcpuState& v = m.vcpu();
  const uint32_t esp = stack_offset(v.seg[kSS], v.gpr[4], -4);  // SP on a 16-bit stack
  if (segment_fault(v.seg[kSS], true, esp, 4, Access::kWrite)) return Raise{12, ext};
  LinearStatus s = write_linear(m, v.seg[kSS].base + esp, 4, error, v.cpl == 3);
  if (s.kind == LinearStatus::kPageFault) {
    v.cr2 = s.addr;
    return Raise{14, s.error};
  }
  if (!s.ok()) {
    stop_outside_ram(m, s.addr);
    return kStopped;
  }
  move_sp(v, -4);
  return std::nullopt;
}

}  // namespace

std::optional<Raise> incoming_tss(Machine& m, uint16_t selector, uint32_t ext, Descriptor* out) {
  if (selector & 4) return fault(13, selector, ext);  // a TSS descriptor lives in the GDT
  auto d = read_descriptor(m, selector);
  if (m.stopped()) return kStopped;
  if (!d || !d->system || (d->type != kTss32Available && d->type != kTss16Available))
    return fault(13, selector, ext);
  if (!d->present) return fault(11, selector, ext);
  if (d->type == kTss16Available) {
    stop_task(m, "a 16-bit TSS", selector);
    return kStopped;
  }
  *out = *d;
  return std::nullopt;
}

std::optional<Raise> switch_task(Machine& m, const TaskSwitch& t) {
  // Before the commit point: checks, then reaching both TSSs (a #PF there stops the VM, as
  // on any system-structure access) before memory is written.
  if (t.tss.limit < kTss32Size - 1) return fault(10, t.selector, t.ext);
  if (auto r = check_current_tss(m, t.ext)) return r;
  const uint32_t old_base = m.vcpu().tr.base;
  uint64_t probe = 0;
  TssImage next;
  if (!system_read(m, old_base + kTssEip, 1, &probe) ||
      !system_read(m, old_base + kTssSavedEnd - 1, 1, &probe) || !read_tss(m, t.tss.base, &next) ||
      !supported(m, t.selector, next) || !suspend_current_task(m, t, &next))
    return kStopped;

  load_task_registers(m, t, next);
  if (auto r = load_task_segments(m, next, t.ext)) return r;
  if (t.error_code)
    if (auto r = push_error_code(m, *t.error_code, t.ext)) return r;
  const VcpuState& v = m.vcpu();
  if (v.eip > v.seg[kCS].limit) return Raise{13, t.ext};
  return std::nullopt;
}

std::optional<Raise> return_to_previous_task(Machine& m, uint32_t return_eip) {
  if (auto r = check_current_tss(m, 0)) return r;
  uint64_t link = 0;
  if (!system_read(m, m.vcpu().tr.base + kTssLink, 2, &link)) return kStopped;
  const uint16_t sel = uint16_t(link);
  if (sel & 4) return fault(10, sel, 0);
  auto d = read_descriptor(m, sel);
  if (m.stopped()) return kStopped;
  if (!d || !d->system || (d->type != kTss32Busy && d->type != kTss16Busy))
    return fault(10, sel, 0);
  if (!d->present) return fault(11, sel, 0);
  if (d->type == kTss16Busy) {
    stop_task(m, "a 16-bit TSS", sel);
    return kStopped;
  }
  return switch_task(m, TaskSwitch{sel, *d, TaskSource::kIret, return_eip, 0, std::nullopt});
}

}  // namespace bt86::runtime
