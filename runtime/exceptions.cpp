// Protected-mode delivery at the same privilege level (rings and task gates come with the
// paging issue): gate checks, the frame EFLAGS/CS/EIP[/error], IF for interrupt gates.
#include "runtime/exceptions.h"

#include <cstdio>

#include "runtime/descriptors.h"
#include "runtime/guest_access.h"
#include "runtime/machine.h"

namespace bt86::runtime {

namespace {

// Why one delivery attempt failed: the exception it raised instead.
struct Nested {
  int vector;
  uint32_t error;
};

bool contributory(int v) { return v == 0 || (v >= 10 && v <= 13); }

// One attempt. Returns nothing on success, or the exception the attempt itself raised.
std::optional<Nested> try_deliver(Machine& m, int vector, bool has_error, uint32_t error,
                                  bool software, uint32_t frame_eip) {
  VcpuState& v = m.vcpu();
  const uint32_t idt_error = uint32_t(vector) * 8 + 2 + (software ? 0 : 1);
  if (uint32_t(vector) * 8 + 7 > v.idtr.limit) return Nested{13, idt_error};
  uint64_t raw = 0;
  if (LinearStatus s = read_linear(m, v.idtr.base + vector * 8, 8, &raw, false); !s.ok()) {
    if (s.kind != LinearStatus::kPageFault) return Nested{13, idt_error};
    v.cr2 = s.addr;
    return Nested{14, s.error};
  }
  Gate gate = decode_gate(raw);
  if (gate.type != 14 && gate.type != 15) {
    if (gate.type == 5 || gate.type == 6 || gate.type == 7) {
      m.stop(StopKind::kGuestError, kStatusGuestError,
             strfmt("IDT vector %d is a %s gate, which bt86 does not deliver yet", vector,
                    gate.type == 5 ? "task" : "16-bit"));
      return std::nullopt;
    }
    return Nested{13, idt_error};
  }
  if (software && gate.dpl < v.cpl) return Nested{13, idt_error};
  if (!gate.present) return Nested{11, idt_error};

  auto cs = read_descriptor(m, gate.selector);
  if (!cs || !cs->is_code() || (gate.selector & ~3u) == 0) return Nested{13, gate.selector & ~3u};
  if (!cs->present) return Nested{11, gate.selector & ~3u};
  if (cs->dpl != v.cpl) {
    m.stop(StopKind::kGuestError, kStatusGuestError,
           strfmt("IDT vector %d changes privilege level, which bt86 does not do yet", vector));
    return std::nullopt;
  }

  // The frame, written only when every push fits, so a failure leaves state unchanged.
  uint32_t frame[4];
  int n = 0;
  if (has_error) frame[n++] = error;
  frame[n++] = frame_eip;
  frame[n++] = v.seg[kCS].selector;
  frame[n++] = v.eflags;
  uint32_t esp = v.gpr[4];
  // The whole frame must fit the stack segment: #SS(0), EXT set for a hardware event.
  if (segment_fault(v.seg[kSS], true, esp - 4 * n, 4 * n, Access::kWrite))
    return Nested{12, software ? 0u : 1u};
  for (int i = 0; i < n; ++i) {
    esp -= 4;
    LinearStatus s = write_linear(m, esp + v.seg[kSS].base, 4, frame[n - 1 - i], v.cpl == 3);
    if (s.kind == LinearStatus::kPageFault) {
      v.cr2 = s.addr;
      return Nested{14, s.error};
    }
    if (!s.ok()) {
      m.stop(StopKind::kGuestError, kStatusGuestError,
             strfmt("exception %d: the stack at 0x%08x is outside guest RAM", vector, esp));
      return std::nullopt;
    }
  }
  v.gpr[4] = esp;
  v.seg[kCS] = Segment{uint16_t((gate.selector & ~3u) | v.cpl), cs->base, cs->limit, cs->attrib};
  v.eflags &= ~(kFlagTF | kFlagNT | kFlagRF | kFlagVM);
  if (gate.type == 14) v.eflags &= ~kFlagIF;
  v.eip = gate.offset;
  if (cs->base != 0 || cs->limit != 0xFFFFFFFF)
    m.stop(StopKind::kGuestError, kStatusGuestError,
           strfmt("IDT vector %d enters a non-flat code segment (base 0x%08x), not supported yet",
                  vector, cs->base));
  return std::nullopt;
}

}  // namespace

void deliver_exception(Machine& m, int vector, bool has_error, uint32_t error, bool software,
                       std::optional<uint32_t> return_eip) {
  m.stats().exceptions_delivered++;
  if (FILE* t = m.options().trace_int)
    std::fprintf(t, "exception %d (error 0x%x) at eip=%08x esp=%08x\n", vector, error,
                 m.vcpu().eip, m.vcpu().gpr[4]);
  int first = vector;
  const uint32_t fault_eip = m.vcpu().eip;
  auto nested = try_deliver(m, vector, has_error, error, software, return_eip.value_or(fault_eip));
  if (!nested || m.stopped()) return;
  // A fault while delivering: benign first exceptions are followed by the second one;
  // two contributory ones, a #PF then a #PF or contributory one (or anything during #DF)
  // make a double fault (SDM Table 6-5).
  int second = nested->vector;
  const bool double_fault = (contributory(first) && contributory(second)) ||
                            (first == 14 && (second == 14 || contributory(second)));
  if (first != 8 && !double_fault) {
    nested = try_deliver(m, second, true, nested->error, false, fault_eip);
    if (!nested || m.stopped()) return;
    first = second;
    second = nested->vector;
  }
  if (first != 8) {
    nested = try_deliver(m, 8, true, 0, false, fault_eip);
    if (!nested || m.stopped()) return;
  }
  m.stop(StopKind::kTripleFault, kStatusGuestError,
         strfmt("triple fault: exception %d at EIP 0x%08x could not be delivered (IDTR base "
                "0x%08x limit 0x%x); the VM stops",
                vector, m.vcpu().eip, m.vcpu().idtr.base, m.vcpu().idtr.limit));
}

}  // namespace bt86::runtime
