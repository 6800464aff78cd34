// Statistics of one run: a user feature (--stats), printed for humans and as JSON.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "mmu/shadow.h"
#include "translator/insn_table.h"
#include "translator/tcache.h"

namespace bt86::runtime {

struct Stats {
  // Exits to the dispatcher, by reason.
  uint64_t exits_branch = 0, exits_indirect = 0, exits_monitor = 0, exits_pending = 0,
           exits_fault = 0;
  // Monitor calls by instruction-table row.
  uint64_t monitor[size_t(translator::Kind::Count)] = {};
  // Host signals turned into guest events, by kind.
  uint64_t sig_code_write = 0, sig_guest_exception = 0, sig_unassigned = 0;
  uint64_t guest_page_faults = 0;  // #PF raised to the guest (shadow misses the guest refused)
  uint64_t exceptions_delivered = 0;
  uint64_t interrupts_delivered = 0;  // external interrupts taken from the PIC
  uint64_t halts = 0;                 // HLT sleeps (each a wait for an event)
  uint64_t port_io_inline = 0;        // IN/OUT performed from translated code (no exit)
  uint64_t fast_deliver = 0, fast_iret = 0;  // privilege transfers in one pass (fast_transfer.h)
  // Time split (host TSC ticks).
  uint64_t tsc_translate = 0, tsc_monitor = 0, tsc_total = 0;
  // Dynamic counts, only with instrumentation (--stats).
  uint64_t dyn_direct = 0, dyn_indirect = 0;
};

void print_stats(FILE* out, const Stats& s, const translator::TCacheStats& tc,
                 const mmu::ShadowStats& mmu, double tsc_hz);
std::string stats_json(const Stats& s, const translator::TCacheStats& tc,
                       const mmu::ShadowStats& mmu, double tsc_hz);

}  // namespace bt86::runtime
