// The monitor's memory accesses on behalf of the guest instruction it performs, checked as
// the CPU checks them: the segment (null, type, limit, expand-down), then the linear access.
// Paging (issue 4) slots in below the segment step.
#pragma once

#include <cstdint>
#include <optional>

#include "runtime/vcpu.h"
#include "translator/decode.h"

namespace bt86::runtime {

class Machine;

enum class Access : uint8_t { kRead, kWrite };

// A logical address: segment register (kES..kGS) and offset.
struct SegAddr {
  int seg;
  uint32_t offset;
  SegAddr plus(uint32_t n) const { return {seg, offset + n}; }
};

// The exception vector a `size`-byte access at `offset` through the cached descriptor `s`
// raises (error code 0): #SS (12) for the stack segment, #GP (13) otherwise; 0 if it is
// allowed. SDM Vol. 3A 5.3 (limit checking) and 5.5 (type checking). A plain int: GCC
// returned std::optional<int> through a stack slot, a store-forwarding stall per check.
int segment_fault(const Segment& s, bool stack, uint32_t offset, unsigned size,
                                 Access access);

// Where memory operand `op` of `in` points: its segment and effective address (wrapped to
// the address size).
SegAddr operand_address(const Machine& m, const translator::Insn& in,
                        const ZydisDecodedOperand& op);

// A linear access (segmentation done). Paging off, linear = physical; paging on, through
// the guest's tables as a user (CPL 3) or supervisor access, setting Accessed/Dirty. An
// access that crosses a page checks both pages before it touches either.
// Eight bytes, so that it comes back in one register: a 12-byte status was assembled on
// the stack from a byte and two dwords and read back as a qword, a store-forwarding stall
// on every monitor access to guest memory (half of read_linear's time in a profile).
struct LinearStatus {
  enum Kind : uint8_t { kOk, kPageFault, kOutside };
  uint32_t addr = 0;   // #PF: the linear address (CR2); kOutside: the physical address
  uint16_t error = 0;  // #PF error code (bits 0-4, and 15 for SGX)
  Kind kind = kOk;
  bool ok() const { return kind == kOk; }
};
static_assert(sizeof(LinearStatus) == 8);
LinearStatus read_linear(Machine& m, uint32_t linear, unsigned size, uint64_t* out, bool user);
LinearStatus write_linear(Machine& m, uint32_t linear, unsigned size, uint64_t value,
                          bool user);
// The guest-physical address of the `size` bytes at `linear` when they lie in one page of
// RAM and the access is allowed (Accessed, and for a write Dirty, are then set). Nothing
// otherwise: the caller takes its access-by-access path, which reports the exact fault.
// Interrupt frames, IRET and TSS stack pointers read or write several slots as one span.
// A plain integer with a sentinel, returned in a register: a std::optional<uint32_t> was
// assembled on the stack from two stores and read back as one qword, a store-forwarding
// stall that was three quarters of this function's time.
constexpr uint64_t kNoSpan = ~0ull;
uint64_t span_in_page(Machine& m, uint32_t linear, unsigned size, Access access, bool user);
// For a failed status: raises the #PF (setting CR2) or stops the VM. Returns s.ok().
bool settle(Machine& m, const LinearStatus& s);

// Each returns false when the access raised a guest exception (already delivered) or left
// guest RAM (the VM has stopped).
bool check_access(Machine& m, SegAddr a, unsigned size, Access access);
bool read_mem(Machine& m, SegAddr a, unsigned size, uint64_t* out);
bool write_mem(Machine& m, SegAddr a, unsigned size, uint64_t value);

// Implicit stack references (PUSH, POP, CALL, RET, frames) go through SS:ESP on a 32-bit
// stack segment (SS.B = 1) and through SS:SP on a 16-bit one, where the offset wraps at
// 64 KiB and ESP's upper half never changes (SDM vol. 1, 6.2; vol. 3, 3.4.5).
inline bool stack_is_16(const Segment& ss) { return !(ss.attrib & 0x400); }

// The offset of the slot `delta` bytes from `esp` on the stack segment `ss`.
inline uint32_t stack_offset(const Segment& ss, uint32_t esp, int32_t delta) {
  const uint32_t at = esp + uint32_t(delta);
  return stack_is_16(ss) ? at & 0xFFFF : at;
}

// `esp` moved by `delta` bytes: on a 16-bit stack only SP moves (and wraps).
inline uint32_t moved_esp(const Segment& ss, uint32_t esp, int32_t delta) {
  const uint32_t at = esp + uint32_t(delta);
  return stack_is_16(ss) ? (esp & 0xFFFF0000u) | (at & 0xFFFF) : at;
}

// The stack slot at ESP (SP) + `delta`, SS-relative.
inline SegAddr stack_slot(const VcpuState& v, int32_t delta) {
  return {kSS, stack_offset(v.seg[kSS], v.gpr[4], delta)};
}

// Reads `count` slots of `n` bytes at ESP (SP) + at upward into out[0..count), as that many
// POPs would check them (segment, then page, slot by slot). false: an access raised or the
// VM stopped.
bool read_stack_slots(Machine& m, int32_t at, unsigned count, unsigned n, uint64_t* out);

// ESP (SP) += delta.
inline void move_sp(VcpuState& v, int32_t delta) {
  v.gpr[4] = moved_esp(v.seg[kSS], v.gpr[4], delta);
}

// The fault (#SS) that pushing `count` slots of `slot` bytes below `esp` on `ss` raises, or
// 0: on a 32-bit stack one range check, on a 16-bit one a check per slot (they may wrap).
int push_fault(const Segment& ss, uint32_t esp, unsigned count, unsigned slot);

}  // namespace bt86::runtime
