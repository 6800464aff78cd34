// LDTR and TR (LLDT SLDT LTR STR) and the descriptor probes LAR LSL VERR VERW, which
// read the guest's tables, never the host's (SDM vol. 2, each instruction's operation).
#include "runtime/descriptors.h"
#include "runtime/machine.h"
#include "runtime/monitor.h"

namespace bt86::runtime {

using translator::Insn;
using translator::Kind;

namespace {

constexpr uint8_t kTypeLdt = 2;
constexpr uint8_t kTypeTss16 = 1, kTypeTss32 = 9, kTssBusy = 2;

// System-descriptor types LAR accepts (SDM LAR: TSS, LDT, call and task gates).
bool lar_system_type_ok(uint8_t t) {
  return t == 1 || t == 2 || t == 3 || t == 4 || t == 5 || t == 9 || t == 0xB || t == 0xC;
}
// LSL accepts TSS and LDT descriptors (they have limits), not gates.
bool lsl_system_type_ok(uint8_t t) { return t == 1 || t == 2 || t == 3 || t == 9 || t == 0xB; }

bool conforming_code(const Descriptor& d) { return d.is_code() && (d.type & 4); }

// The privilege test shared by LAR, LSL, VERR, VERW for non-conforming segments.
bool visible(const Descriptor& d, uint16_t selector, uint8_t cpl) {
  if (conforming_code(d)) return true;
  return d.dpl >= cpl && d.dpl >= (selector & 3);
}

void set_zf(VcpuState& v, bool on) {
  if (on) v.eflags |= kFlagZF;
  else v.eflags &= ~kFlagZF;
}

bool store_selector(Machine& m, const Insn& in, uint16_t selector) {
  // To a 32-bit register the high half is cleared (P6 and later); to memory 16 bits.
  return write_operand(m, in, 0, selector);
}

bool load_system_register(Machine& m, const Insn& in, bool ldt) {
  VcpuState& v = m.vcpu();
  uint32_t sel32 = 0;
  if (!read_operand(m, in, 0, &sel32)) return false;
  const uint16_t sel = uint16_t(sel32);
  if (ldt && (sel & ~3u) == 0) {  // LLDT with a null selector: no LDT
    v.ldtr = Segment{sel, 0, 0, 0};
    return true;
  }
  if (sel & 4 || (sel & ~3u) == 0) {  // must name a GDT entry; a null TR selector is #GP
    m.raise(13, true, sel & ~3u);
    return false;
  }
  auto d = read_descriptor(m, sel);
  bool type_ok = d && d->system && (ldt ? d->type == kTypeLdt
                                        : (d->type == kTypeTss16 || d->type == kTypeTss32));
  if (!type_ok) {
    m.raise(13, true, sel & ~3u);
    return false;
  }
  if (!d->present) {
    m.raise(11, true, sel & ~3u);
    return false;
  }
  Segment s{sel, d->base, d->limit, d->attrib};
  if (ldt) {
    v.ldtr = s;
    return true;
  }
  // LTR marks the TSS busy in the descriptor table.
  uint32_t type_byte = descriptor_address(m, sel) + 5;
  uint64_t b = 0;
  if (!read_system(m, type_byte, 1, &b) || !write_system(m, type_byte, 1, b | kTssBusy)) {
    if (!m.stopped()) stop_outside_ram(m, type_byte);
    return false;
  }
  s.attrib |= kTssBusy;
  v.tr = s;
  return true;
}

}  // namespace

bool perform_descriptor(Machine& m, const Insn& in, Kind k) {
  VcpuState& v = m.vcpu();
  switch (k) {
    case Kind::Lldt:
    case Kind::Ltr:
      if (v.cpl != 0) {
        m.raise(13, true, 0);
        return false;
      }
      return load_system_register(m, in, k == Kind::Lldt);
    case Kind::Sldt: return store_selector(m, in, v.ldtr.selector);
    case Kind::Str: return store_selector(m, in, v.tr.selector);
    case Kind::Lar:
    case Kind::Lsl: {
      uint32_t sel32 = 0;
      if (!read_operand(m, in, 1, &sel32)) return false;
      const uint16_t sel = uint16_t(sel32);
      auto d = (sel & ~3u) ? read_descriptor(m, sel) : std::nullopt;
      bool ok = d && visible(*d, sel, v.cpl);
      if (ok && d->system) ok = k == Kind::Lar ? lar_system_type_ok(d->type)
                                              : lsl_system_type_ok(d->type);
      set_zf(v, ok);
      if (!ok) return true;  // the destination is left unchanged
      uint32_t value = k == Kind::Lar ? (d->raw_hi & 0x00F0FF00) : d->limit;
      if (in.z.operand_width == 16) value &= k == Kind::Lar ? 0xFF00 : 0xFFFF;
      return write_operand(m, in, 0, value);
    }
    case Kind::Verr:
    case Kind::Verw: {
      uint32_t sel32 = 0;
      if (!read_operand(m, in, 0, &sel32)) return false;
      const uint16_t sel = uint16_t(sel32);
      auto d = (sel & ~3u) ? read_descriptor(m, sel) : std::nullopt;
      bool ok = d && !d->system && visible(*d, sel, v.cpl);
      if (ok && k == Kind::Verr) ok = !d->is_code() || (d->type & 2);  // data, or readable code
      if (ok && k == Kind::Verw) ok = !d->is_code() && (d->type & 2);   // writable data only
      set_zf(v, ok);
      return true;
    }
    default:
      return false;
  }
}

}  // namespace bt86::runtime
