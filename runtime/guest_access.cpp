// Segment checks and guest memory access for the monitor (see guest_access.h).
#include "runtime/guest_access.h"

#include <algorithm>
#include <cstring>

#include "runtime/machine.h"
#include "runtime/monitor.h"
#include "translator/translate.h"

namespace bt86::runtime {

namespace {

constexpr uint16_t kPresent = 0x80;
constexpr uint16_t kCode = 0x08;
constexpr uint16_t kWritableOrReadable = 0x02;
constexpr uint16_t kExpandDown = 0x04;
constexpr uint16_t kBig = 0x400;  // D/B in the descriptor's flags nibble

}  // namespace

int segment_fault(const Segment& s, bool stack, uint32_t offset, unsigned size, Access access) {
  const int vector = stack ? 12 : 13;
  // A null selector leaves the register unusable (not present): any access is #GP(0).
  if (!(s.attrib & kPresent)) return 13;
  const bool code = s.attrib & kCode;
  if (access == Access::kWrite && (code || !(s.attrib & kWritableOrReadable))) return vector;
  if (access == Access::kRead && code && !(s.attrib & kWritableOrReadable)) return vector;
  const uint64_t first = offset;
  const uint64_t last = first + (size ? size : 1) - 1;  // 64-bit: an access past 4 GiB fails
  if (!code && (s.attrib & kExpandDown)) {
    // Valid offsets are limit+1 .. 0xFFFF (B=0) or 0xFFFFFFFF (B=1).
    const uint64_t upper = (s.attrib & kBig) ? 0xFFFFFFFFull : 0xFFFFull;
    if (first <= s.limit || last > upper) return vector;
    return 0;
  }
  if (last > s.limit) return vector;
  return 0;
}

int push_fault(const Segment& ss, uint32_t esp, unsigned count, unsigned slot) {
  if (!stack_is_16(ss))
    return segment_fault(ss, true, esp - count * slot, count * slot, Access::kWrite);
  for (unsigned i = 1; i <= count; ++i)
    if (int v = segment_fault(ss, true, stack_offset(ss, esp, -int32_t(i * slot)), slot,
                              Access::kWrite))
      return v;
  return 0;
}

SegAddr operand_address(const Machine& m, const translator::Insn& in,
                        const ZydisDecodedOperand& op) {
  uint32_t a = op.mem.disp.has_displacement ? uint32_t(op.mem.disp.value) : 0;
  if (op.mem.base != ZYDIS_REGISTER_NONE) a += read_reg(m, op.mem.base);
  if (op.mem.index != ZYDIS_REGISTER_NONE) a += read_reg(m, op.mem.index) * op.mem.scale;
  if (in.z.address_width == 16) a &= 0xFFFF;
  return {translator::segment_index(op.mem.segment), a};
}

bool check_access(Machine& m, SegAddr a, unsigned size, Access access) {
  const Segment& s = m.vcpu().seg[a.seg];
  if (int vector = segment_fault(s, a.seg == kSS, a.offset, size, access)) {
    m.raise(vector, true, 0);
    return false;
  }
  return true;
}

namespace {

// The physical address of each byte run of a linear access: one run, or two when it
// crosses a page. Paging off, linear = physical.
struct Runs {
  uint32_t phys[2];
  unsigned len[2];
  int count;
};

LinearStatus resolve(Machine& m, uint32_t linear, unsigned size, mmu::AccessKind kind,
                     bool user, Runs* out) {
  const unsigned first = std::min<unsigned>(size, 0x1000 - (linear & 0xFFF));
  out->count = first == size ? 1 : 2;
  out->len[0] = first;
  out->len[1] = size - first;
  for (int i = 0; i < out->count; ++i) {
    const uint32_t at = i == 0 ? linear : (linear | 0xFFF) + 1;
    uint32_t phys = at;
    if (m.shadow().state().enabled) {
      auto t = m.shadow().translate(at, kind, user);
      if (!t) return LinearStatus{at, uint16_t(t.error()), LinearStatus::kPageFault};
      phys = *t;
    }
    if (!m.ram().contains(phys, out->len[i])) return LinearStatus{phys, 0, LinearStatus::kOutside};
    out->phys[i] = phys;
  }
  return {};
}

// One typed load of `size` (1, 2, 4 or 8) bytes: bytes copied into a zeroed qword stall
// its read (store forwarding).
uint64_t load_le(const uint8_t* p, unsigned size) {
  switch (size) {
    case 1: return *p;
    case 2: { uint16_t x; std::memcpy(&x, p, 2); return x; }
    case 4: { uint32_t x; std::memcpy(&x, p, 4); return x; }
    default: { uint64_t x; std::memcpy(&x, p, 8); return x; }
  }
}

bool power_of_two_size(unsigned size) { return size == 1 || size == 2 || size == 4 || size == 8; }

}  // namespace

uint64_t span_in_page(Machine& m, uint32_t linear, unsigned size, Access access, bool user) {
  if ((linear & 0xFFF) + size > 0x1000) return kNoSpan;
  uint32_t phys = linear;
  if (m.shadow().state().enabled) {
    auto t = m.shadow().translate(
        linear, access == Access::kWrite ? mmu::AccessKind::kWrite : mmu::AccessKind::kRead, user);
    if (!t) return kNoSpan;
    phys = *t;
  }
  if (!m.ram().contains(phys, size)) return kNoSpan;
  return phys;
}

LinearStatus read_linear(Machine& m, uint32_t linear, unsigned size, uint64_t* out, bool user) {
  if (power_of_two_size(size)) {  // the common case: in one page, allowed
    if (const uint64_t phys = span_in_page(m, linear, size, Access::kRead, user); phys != kNoSpan) {
      *out = load_le(m.ram().host(uint32_t(phys)), size);
      return {};
    }
  }
  Runs r;
  LinearStatus s = resolve(m, linear, size, mmu::AccessKind::kRead, user, &r);
  if (!s.ok()) return s;
  uint64_t v = 0;
  auto* bytes = reinterpret_cast<uint8_t*>(&v);
  m.ram().read(r.phys[0], bytes, r.len[0]);
  if (r.count == 2) m.ram().read(r.phys[1], bytes + r.len[0], r.len[1]);
  *out = v;
  return s;
}

LinearStatus write_linear(Machine& m, uint32_t linear, unsigned size, uint64_t value,
                          bool user) {
  if (const uint64_t phys = span_in_page(m, linear, size, Access::kWrite, user); phys != kNoSpan) {
    m.ram().write(uint32_t(phys), &value, size);  // through the code-page hook
    return {};
  }
  Runs r;
  LinearStatus s = resolve(m, linear, size, mmu::AccessKind::kWrite, user, &r);
  if (!s.ok()) return s;
  const auto* bytes = reinterpret_cast<const uint8_t*>(&value);
  m.ram().write(r.phys[0], bytes, r.len[0]);  // through the code-page hook
  if (r.count == 2) m.ram().write(r.phys[1], bytes + r.len[0], r.len[1]);
  return s;
}

bool settle(Machine& m, const LinearStatus& s) {
  switch (s.kind) {
    case LinearStatus::kOk: return true;
    case LinearStatus::kPageFault:
      m.vcpu().cr2 = s.addr;
      m.raise(14, true, s.error);
      return false;
    case LinearStatus::kOutside: stop_outside_ram(m, s.addr); return false;
  }
  return false;
}

bool read_mem(Machine& m, SegAddr a, unsigned size, uint64_t* out) {
  if (!check_access(m, a, size, Access::kRead)) return false;
  const uint32_t linear = m.vcpu().seg[a.seg].base + a.offset;
  return settle(m, read_linear(m, linear, size, out, m.vcpu().cpl == 3));
}

bool write_mem(Machine& m, SegAddr a, unsigned size, uint64_t value) {
  if (!check_access(m, a, size, Access::kWrite)) return false;
  const uint32_t linear = m.vcpu().seg[a.seg].base + a.offset;
  return settle(m, write_linear(m, linear, size, value, m.vcpu().cpl == 3));
}

bool read_stack_slots(Machine& m, int32_t at, unsigned count, unsigned n, uint64_t* out) {
  const VcpuState& v = m.vcpu();
  const Segment& ss = v.seg[kSS];
  // One span when the slots are contiguous (a 32-bit stack), allowed as a whole, and in
  // one page: then no slot could have faulted, and the order of checks cannot show.
  if (!stack_is_16(ss)) {
    const uint32_t offset = v.gpr[4] + uint32_t(at);
    if (!segment_fault(ss, true, offset, count * n, Access::kRead)) {
      const uint64_t phys = span_in_page(m, ss.base + offset, count * n, Access::kRead, v.cpl == 3);
      if (phys != kNoSpan) {
        const uint8_t* p = m.ram().host(uint32_t(phys));
        for (unsigned i = 0; i < count; ++i) {
          uint32_t x = 0;
          std::memcpy(&x, p + i * n, n);
          out[i] = x;
        }
        return true;
      }
    }
  }
  for (unsigned i = 0; i < count; ++i) {
    out[i] = 0;
    if (!read_mem(m, stack_slot(v, at + int32_t(i * n)), n, &out[i])) return false;
  }
  return true;
}

}  // namespace bt86::runtime
