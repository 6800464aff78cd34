// Machine construction and the dispatcher loop (DESIGN.md §5).
#include "runtime/machine.h"

#include <x86intrin.h>

#include <cstdlib>
#include <cstring>

#include "common/assert.h"
#include "runtime/exceptions.h"
#include "runtime/gs_base.h"
#include "runtime/monitor.h"
#include "runtime/signals.h"
#include "translator/classify.h"

namespace bt86::runtime {

namespace {

constexpr uint32_t kHostTimerPeriodUs = 1000;

VcpuState* new_vcpu() {
  void* p = std::aligned_alloc(alignof(VcpuState), sizeof(VcpuState));
  BT_ASSERT(p, "out of memory for the vCPU state");
  std::memset(p, 0, sizeof(VcpuState));
  return new (p) VcpuState();
}

void delete_vcpu(VcpuState* v) {
  v->~VcpuState();
  std::free(v);
}

// The extended state after FNINIT and reset: FCW 0x037F, MXCSR 0x1F80, all registers empty.
void init_guest_fx(uint8_t* fx) {
  std::memset(fx, 0, 512);
  fx[0] = 0x7F;
  fx[1] = 0x03;
  uint32_t mxcsr = 0x1F80, mask = 0xFFFF;
  std::memcpy(fx + 24, &mxcsr, 4);
  std::memcpy(fx + 28, &mask, 4);
}

}  // namespace

Machine::Machine(mmu::GuestRam ram, const MachineOptions& opt)
    : opt_(opt),
      ram_(std::move(ram)),
      vcpu_(new_vcpu(), delete_vcpu),
      mem_(ram_) {}

Machine::~Machine() = default;

Result<std::unique_ptr<Machine>> Machine::create(const MachineOptions& opt) {
  auto ram = mmu::GuestRam::create(uint64_t(opt.ram_mib) << 20);
  if (!ram) return std::unexpected(ram.error());
  std::unique_ptr<Machine> m(new Machine(std::move(*ram), opt));
  auto shadow = mmu::Shadow::create(m->ram_);
  if (!shadow) return std::unexpected(shadow.error());
  m->shadow_ = std::move(*shadow);
  m->shadow_->set_open_bus(!opt.stop_on_exception);
  VcpuState& v = m->vcpu();
  v.window_base = m->shadow_->identity().base();
  init_guest_fx(v.guest_fx);

  auto tc = translator::TCache::create(size_t(opt.tc_mib) << 20, &v);
  if (!tc) return std::unexpected(tc.error());
  m->tc_ = std::move(*tc);
  m->glue_ = emit_glue(*m->tc_, port_io_from_block);
  Machine* self = m.get();
  m->tc_->set_page_protector([self](uint32_t page, bool protect) {
    self->shadow_->set_code_page(page, protect);
  });
  m->shadow_->set_code_query([self](uint32_t page) { return self->tc_->page_has_code(page); });
  m->tc_->set_code_page_query([self](uint32_t linear) {
    const mmu::PagingState& p = self->shadow_->state();
    translator::TCache::CodePage c;
    if (!p.enabled) return c;
    if (auto m = mmu::peek(self->ram_, p.controls, linear)) {
      c.global = m->global && p.pge;
      c.large = m->large;
    }
    return c;
  });
  m->ram_.set_write_hook(m->tc_->code_page_bits(),
                         [self](uint32_t gpa, size_t len) { self->on_guest_write(gpa, len); });
  m->translator_ = std::make_unique<translator::Translator>(*m->tc_, m->ram_, m->glue_.addrs,
                                                            opt.translate);
  m->translator_->set_code_map([self](uint32_t linear) -> std::expected<uint32_t, uint32_t> {
    const VcpuState& v = self->vcpu();
    if (!self->shadow_->state().enabled) {
      if (linear >= self->ram_.size()) return std::unexpected(translator::kOutsideRam);
      return linear;
    }
    auto phys = self->shadow_->translate(linear, mmu::AccessKind::kFetch, v.cpl == 3);
    if (phys && *phys >= self->ram_.size()) return std::unexpected(translator::kOutsideRam);
    return phys;
  });
  m->reset_protected_mode(0);
  return m;
}

namespace {

// How the translator must treat memory through `s` (see translator::SegClass).
translator::SegClass segment_class(const Segment& s) {
  const bool present = s.attrib & 0x80;
  if (!present) return translator::SegClass::kNull;
  const uint8_t type = s.attrib & 0xF;
  const bool code = type & 8;
  const bool writable_data = !code && (type & 2);
  const bool expand_down = !code && (type & 4);
  if (s.limit != 0xFFFFFFFF || expand_down || (!writable_data && !code))
    return translator::SegClass::kLimited;
  if (code) return s.base == 0 ? translator::SegClass::kFlat : translator::SegClass::kLimited;
  return s.base == 0 ? translator::SegClass::kFlat : translator::SegClass::kBased;
}

}  // namespace

translator::ModeKey Machine::mode(bool one_shot) const {
  const VcpuState& v = *vcpu_;
  translator::SegClass segs[6];
  for (int i = 0; i < 6; ++i) segs[i] = segment_class(v.seg[i]);
  // CS-relative reads: flat and based code segments add their base; a limit below 4 GiB
  // or an execute-only type needs the run-time check (a write through CS is #GP anyway).
  const Segment& cs = v.seg[kCS];
  segs[kCS] = (cs.base == 0 && cs.limit == 0xFFFFFFFF) ? translator::SegClass::kFlat
              : (cs.limit == 0xFFFFFFFF && (cs.attrib & 2)) ? translator::SegClass::kBased
                                                           : translator::SegClass::kLimited;
  const bool if_allowed = v.cpl <= ((v.eflags & kFlagIOPL) >> 12);
  const bool stack16 = !(v.seg[kSS].attrib & 0x400);  // SS.B clear: PUSH/POP use SP
  // RDTSC runs as the host instruction when the guest TSC is the host's and CR4.TSD
  // does not make it fault here.
  const bool rdtsc_native = v.tsc_offset == 0 && (v.cpl == 0 || !(v.cr4 & (1u << 2)));
  translator::ModeKey key = translator::make_mode(v.cr0, v.cr4, segs, one_shot, if_allowed,
                                                 v.cpl == 0, v.eflags & kFlagTF, stack16,
                                                 rdtsc_native);
  key.cs_base = cs.base;  // EIPs are offsets in CS (translator/block.h)
  key.cs_limit = cs.limit;
  return key;
}

void Machine::reset_extended_state() {
  init_guest_fx(vcpu().guest_fx);
  vcpu().fx_reload = 1;
}

// The guest's x87 state lives in the host FPU while run() runs (vcpu.h): copy it into the
// FXSAVE image and leave the FPU empty for the host, as a call boundary expects.
void Machine::save_x87_state() {
  VcpuState& v = vcpu();
  alignas(16) uint8_t image[512];
  _fxsave64(image);
  std::memcpy(v.guest_fx, image, 24);              // FCW FSW FTW FOP FIP FDP
  std::memcpy(v.guest_fx + 32, image + 32, 128);   // ST0-ST7 (MXCSR at 24 is the guest's)
  asm volatile("fninit");
  v.fx_reload = 1;
}

void Machine::reset_protected_mode(uint32_t eip) {
  VcpuState& v = vcpu();
  std::memset(v.gpr, 0, sizeof v.gpr);
  v.eip = eip;
  v.eflags = 0x2;
  v.cr0 = 0x11;  // PE, ET
  v.cpl = 0;
  for (Segment& s : v.seg) s = Segment{0x10, 0, 0xFFFFFFFF, 0x0C93};
  v.seg[kCS] = Segment{0x08, 0, 0xFFFFFFFF, 0x0C9B};
}

// A monitor write (device, loader, exception frame) into a page with translated code.
void Machine::on_guest_write(uint32_t gpa, size_t len) {
  if (len == 0) return;
  for (uint32_t page = gpa >> 12; page <= (gpa + len - 1) >> 12; ++page)
    if (tc_->page_has_code(page)) tc_->invalidate_page(page);
}

void Machine::request_stop(int status, std::string reason) {
  stop(StopKind::kDebugExit, status, std::move(reason));
}

void Machine::request_reset(std::string reason) {
  stop(StopKind::kReset, kStatusHalted, "guest reset the machine (" + reason + ")");
}

void Machine::stop(StopKind kind, int status, std::string message) {
  if (stopped()) return;
  stop_.kind = kind;
  stop_.status = status;
  stop_.message = std::move(message);
  stop_.eip = vcpu().eip;
}

std::string Machine::describe_insn_at(uint32_t eip) {
  uint8_t bytes[15];
  size_t n = translator_->fetch(vcpu().seg[kCS].base + eip, bytes);
  if (n == 0) return "(outside RAM)";
  translator::Insn in;
  if (translator::decode(bytes, n, eip, &in) != translator::DecodeStatus::kOk)
    return "(" + translator::hex_bytes(bytes, n < 8 ? n : 8) + ": undecodable)";
  return translator::format_insn(in) + " (" + translator::hex_bytes(in.bytes, in.z.length) + ")";
}

void Machine::raise(int vector, bool has_error, uint32_t error) {
  if (opt_.stop_on_exception) {
    stop(StopKind::kException, kStatusGuestError,
         strfmt("guest exception %d at 0x%08x", vector, vcpu().eip));
    stop_.vector = vector;
    stop_.error_code = error;
    return;
  }
  deliver_exception(*this, vector, has_error, error);
}

void Machine::paging_changed() {
  const VcpuState& v = vcpu();
  mmu::PagingState p;
  p.enabled = v.cr0 & (1u << 31);
  p.controls.cr3 = v.cr3;
  p.controls.pse = v.cr4 & (1u << 4);
  p.controls.wp = v.cr0 & (1u << 16);
  p.pge = v.cr4 & (1u << 7);
  const mmu::PagingState old = shadow_->state();
  shadow_->set_state(p);
  tc_->set_paging(p.enabled);
  // Inline-table entries name blocks of the old address space. A CR3 write alone keeps
  // the ones on global pages, as the TLB keeps global translations.
  const bool cr3_only = old.enabled && p.enabled && p.pge && old.pge &&
                        old.controls.pse == p.controls.pse && old.controls.wp == p.controls.wp;
  if (cr3_only) tc_->reset_ibl_nonglobal();
  else if (p.enabled || old.enabled) tc_->reset_ibl();
}

void Machine::invlpg(uint32_t linear) {
  if (!shadow_->state().enabled) return;
  shadow_->invlpg(linear);
  // Entries and chains for that page's EIPs may name blocks of the old mapping (all of a
  // 4 MiB page's, if code there was reached through one).
  tc_->reset_ibl_linear(linear);
}

translator::Block* Machine::block_for(uint32_t eip, bool one_shot) {
  translator::ModeKey mode = this->mode(one_shot);
  // An EIP beyond the CS limit (code ran off its end, a task switch or an inner-level
  // return landed there): the fetch raises #GP(0) at that EIP. Branches check their
  // targets themselves, so their #GP comes from the branch.
  if (eip > mode.cs_limit) {
    raise(13, true, 0);
    return nullptr;
  }
  // Blocks are found by EIP (an offset in CS; the mode holds CS's base and limit) and the
  // physical page its linear address maps to now.
  const uint32_t linear = mode.cs_base + eip;
  auto phys = translator_->code_address(linear);
  if (!phys && phys.error() != translator::kOutsideRam) {
    vcpu().cr2 = linear;
    raise(14, true, phys.error());
    return nullptr;
  }
  if (!one_shot && phys) {
    if (translator::Block* b = tc_->lookup(eip, *phys >> 12, mode)) {
      // A block whose last instruction crosses into the next page needs that page unchanged.
      if (b->pages[1] == ~0u) return b;
      auto second = translator_->code_address((linear | 0xFFF) + 1);
      if (second && (*second >> 12) == b->pages[1]) return b;
    }
  }
  // Keep room for the largest block; the flush policy for now is flush-all.
  if (tc_->free_bytes() < 256 * 1024) tc_->flush();
  uint64_t t0 = __rdtsc();
  auto b = translator_->translate(eip, mode);
  stats_.tsc_translate += __rdtsc() - t0;
  if (!b) {
    const translator::TranslateFailure& f = translator_->last_failure();
    if (f.page_fault) {  // the first instruction's second page does not map
      vcpu().cr2 = f.fault_linear;
      raise(14, true, f.fault_error);
      return nullptr;
    }
    stop(StopKind::kGuestError, kStatusGuestError, b.error().message);
    return nullptr;
  }
  return *b;
}

void Machine::handle_fault() {
  VcpuState& v = vcpu();
  switch (v.fault_kind) {
    case kFaultCodeWrite:
      // Drop the page's translations, then run the writing instruction alone, uncached:
      // the page stays writable until code is translated from it again.
      stats_.sig_code_write++;
      tc_->invalidate_page(v.fault_addr >> 12);
      next_one_shot_ = true;
      return;
    case kFaultUnassigned:
      stats_.sig_unassigned++;
      if (opt_.stop_on_exception) return raise(14);
      stop(StopKind::kGuestError, kStatusGuestError,
           strfmt("guest accessed 0x%08x, outside its %u MiB of RAM, at EIP 0x%08x: %s",
                  v.fault_addr, unsigned(ram_.size() >> 20), v.eip,
                  describe_insn_at(v.eip).c_str()));
      return;
    case kFaultException:
      stats_.sig_guest_exception++;
      // x87 errors are #MF only with CR0.NE; the legacy FERR#/IRQ13 path is not modeled.
      if (v.fault_vector == 16 && !(v.cr0 & (1u << 5))) {
        stop(StopKind::kGuestError, kStatusGuestError,
             strfmt("x87 error at EIP 0x%08x with CR0.NE=0: reporting through IRQ13 is not "
                    "supported yet", v.eip));
        return;
      }
      // SIMD floating-point errors are #XM with CR4.OSXMMEXCPT, #UD without.
      if (v.fault_vector == 19 && !(v.cr4 & (1u << 10))) return raise(6);
      if (v.fault_vector == 14) {
        stats_.guest_page_faults++;
        v.cr2 = v.fault_addr;
      }
      raise(int(v.fault_vector), pushes_error_code(int(v.fault_vector)), v.fault_error);
      return;
    default:
      BT_ASSERT(false, "unknown fault kind %u", v.fault_kind);
  }
}

StopInfo Machine::run() {
  install_fault_handlers();
  set_running_machine(this);
  stop_ = StopInfo{};
  VcpuState& v = vcpu();
  set_gs_base(v.window_base);
  uint32_t link_slot = ~0u;
  uint64_t link_generation = 0;
  bool publish_ibl = false;
  uint64_t t_start = __rdtsc();

  // Long-running translated code returns to the dispatcher at least this often when
  // devices have deadlines (a 250 Hz guest tick is late by at most one period).
  std::unique_ptr<HostTimer> host_timer;
  if (!timed_.empty() || !inputs_.empty())
    host_timer = std::make_unique<HostTimer>(&v.pending, kHostTimerPeriodUs);

  while (!stopped()) {
    const uint64_t interrupts_before = stats_.interrupts_delivered;
    if (!accept_events()) continue;
    if (stopped()) break;
    if (stats_.interrupts_delivered != interrupts_before) {
      // EIP is now the handler's: the exit that led here must not be linked to it.
      link_slot = ~0u;
      publish_ibl = false;
    }
    bool one_shot = std::exchange(next_one_shot_, false);
    translator::Block* b = block_for(v.eip, one_shot);
    if (!b) {
      if (stopped()) break;
      link_slot = ~0u;  // the fetch raised #PF: deliver it and look again
      publish_ibl = false;
      continue;
    }
    // A flush while finding the block (a full cache, a new mode) retired the slot.
    if (link_slot != ~0u && link_generation == tc_->generation()) tc_->link(link_slot, b);
    link_slot = ~0u;
    // After an inline-lookup miss (a collision, or the table reset by a mode change), the
    // block the miss led to takes the table entry.
    if (std::exchange(publish_ibl, false)) tc_->publish_ibl(b);
    if (opt_.trace_exec)
      std::fprintf(opt_.trace_exec, "Trace: [%p] %08x\n", static_cast<void*>(b->code), b->eip);

    // Single-stepping: TF at the start of the instruction means a #DB trap after it, if it
    // completes without raising an exception (SDM vol. 3, 17.3.1.4).
    const bool stepping = v.eflags & kFlagTF;
    const uint64_t delivered_before = stats_.exceptions_delivered;
    v.exit_reason = ExitReason::kNone;
    // The window follows paging and the view (CPL 3 runs in the user view).
    if (const uint64_t base = shadow_->active(v.cpl == 3).base(); base != v.window_base) {
      v.window_base = base;
      set_gs_base(base);
    }
    const bool had_shadow = v.interrupt_shadow;
    glue_.enter(&v, b->entry());
    // A block that left at its entry check executed nothing: an interrupt shadow lasts
    // until an instruction has run (the monitor may start a new one below).
    if (had_shadow && v.exit_reason != ExitReason::kPending) v.interrupt_shadow = false;

    switch (v.exit_reason) {
      case ExitReason::kBranch:
        stats_.exits_branch++;
        v.eip = v.next_eip;
        if (!one_shot) {
          link_slot = v.exit_slot;
          link_generation = tc_->generation();
        }
        break;
      case ExitReason::kIndirect:
        stats_.exits_indirect++;
        v.eip = v.next_eip;
        publish_ibl = true;
        break;
      case ExitReason::kMonitor: {
        stats_.exits_monitor++;
        if (!opt_.time_monitor) {
          perform_monitor_call(*this, v.exit_slot);
          break;
        }
        const uint64_t t0 = __rdtsc();
        perform_monitor_call(*this, v.exit_slot);
        stats_.tsc_monitor += __rdtsc() - t0;
        break;
      }
      case ExitReason::kPending:
        stats_.exits_pending++;
        v.pending = 0;
        v.pending_irq = 0;
        break;
      case ExitReason::kFault:
        stats_.exits_fault++;
        handle_fault();
        break;
      default:
        BT_ASSERT(false, "block at 0x%08x exited without a reason", b->eip);
    }
    if (stepping && !stopped() && v.exit_reason != ExitReason::kPending &&
        v.exit_reason != ExitReason::kFault && stats_.exceptions_delivered == delivered_before &&
        !next_one_shot_) {
      v.dr[6] |= 1u << 14;  // BS
      raise(1);
    }
  }
  stats_.tsc_total += __rdtsc() - t_start;
  save_x87_state();
  set_running_machine(nullptr);
  return stop_;
}

}  // namespace bt86::runtime
