// --stats: a human summary and a JSON document with the same numbers.
#include "runtime/stats.h"

#include <string>

#include "common/result.h"

namespace bt86::runtime {

namespace {

double ratio(double a, double b) { return b == 0 ? 0 : a / b; }

struct Derived {
  double sec_total, sec_translate, sec_monitor, sec_run;
  double bytes_per_guest_byte, ibl_hit_rate;
  uint64_t exits;
};

Derived derive(const Stats& s, const translator::TCacheStats& tc, double hz) {
  Derived d;
  d.sec_total = ratio(double(s.tsc_total), hz);
  d.sec_translate = ratio(double(s.tsc_translate), hz);
  d.sec_monitor = ratio(double(s.tsc_monitor), hz);
  d.sec_run = d.sec_total - d.sec_translate - d.sec_monitor;
  if (d.sec_run < 0) d.sec_run = 0;
  d.bytes_per_guest_byte = ratio(double(tc.host_bytes), double(tc.guest_bytes));
  d.ibl_hit_rate = s.dyn_indirect ? 1.0 - ratio(double(s.exits_indirect), double(s.dyn_indirect))
                                  : -1.0;
  d.exits = s.exits_branch + s.exits_indirect + s.exits_monitor + s.exits_pending + s.exits_fault;
  return d;
}

}  // namespace

void print_stats(FILE* out, const Stats& s, const translator::TCacheStats& tc,
                 const mmu::ShadowStats& mmu, double hz) {
  Derived d = derive(s, tc, hz);
  std::fprintf(out, "bt86 statistics\n");
  std::fprintf(out, "  translated:   %llu blocks, %llu guest instructions, %llu guest bytes\n",
               (unsigned long long)tc.blocks, (unsigned long long)tc.insns,
               (unsigned long long)tc.guest_bytes);
  std::fprintf(out, "  TC:           %llu host bytes (%.2f per guest byte), %llu flushes\n",
               (unsigned long long)tc.host_bytes, d.bytes_per_guest_byte,
               (unsigned long long)tc.flushes);
  std::fprintf(out, "  chaining:     %llu links made, %llu undone; %llu unchained exits\n",
               (unsigned long long)tc.links, (unsigned long long)tc.unlinks,
               (unsigned long long)s.exits_branch);
  std::fprintf(out, "  dynamic:      %llu direct block transfers, %llu indirect branches\n",
               (unsigned long long)s.dyn_direct, (unsigned long long)s.dyn_indirect);
  if (d.ibl_hit_rate >= 0)
    std::fprintf(out, "  indirect:     %.2f%% inline-lookup hits (%llu misses)\n",
                 100 * d.ibl_hit_rate, (unsigned long long)s.exits_indirect);
  std::fprintf(out, "  exits:        %llu (branch %llu, indirect %llu, monitor %llu, pending %llu, "
               "fault %llu)\n",
               (unsigned long long)d.exits, (unsigned long long)s.exits_branch,
               (unsigned long long)s.exits_indirect, (unsigned long long)s.exits_monitor,
               (unsigned long long)s.exits_pending, (unsigned long long)s.exits_fault);
  std::fprintf(out, "  signals:      %llu code-page writes, %llu guest exceptions, %llu outside RAM\n",
               (unsigned long long)s.sig_code_write, (unsigned long long)s.sig_guest_exception,
               (unsigned long long)s.sig_unassigned);
  std::fprintf(out, "  interrupts:   %llu external interrupts taken, %llu HLT sleeps\n",
               (unsigned long long)s.interrupts_delivered, (unsigned long long)s.halts);
  std::fprintf(out, "  port I/O:     %llu IN/OUT from translated code without an exit\n",
               (unsigned long long)s.port_io_inline);
  std::fprintf(out, "  fast path:    %llu interrupts from CPL 3 and %llu IRETs in one pass\n",
               (unsigned long long)s.fast_deliver, (unsigned long long)s.fast_iret);
  std::fprintf(out, "  invalidated:  %llu blocks on %llu page writes\n",
               (unsigned long long)tc.invalidated_blocks, (unsigned long long)tc.invalidated_pages);
  std::fprintf(out, "  shadow MMU:   %llu fills (%llu mmaps of %llu pages, %llu dirty upgrades), "
               "%llu guest #PF; %llu flushes dropping %llu pages, %llu INVLPG; "
               "%llu open-bus pages\n",
               (unsigned long long)mmu.fills, (unsigned long long)mmu.fill_runs,
               (unsigned long long)mmu.fill_pages,
               (unsigned long long)mmu.dirty_upgrades, (unsigned long long)s.guest_page_faults,
               (unsigned long long)mmu.flushes, (unsigned long long)mmu.flushed_pages,
               (unsigned long long)mmu.invlpgs, (unsigned long long)mmu.open_bus_pages);
  std::fprintf(out, "  monitor calls:");
  bool any = false;
  for (size_t k = 0; k < size_t(translator::Kind::Count); ++k) {
    if (!s.monitor[k]) continue;
    std::fprintf(out, " %s %llu", translator::kKindInfo[k].name, (unsigned long long)s.monitor[k]);
    any = true;
  }
  std::fprintf(out, any ? "\n" : " none\n");
  std::fprintf(out, "  time:         %.3f s total: translating %.3f s, running %.3f s, monitor %.3f s\n",
               d.sec_total, d.sec_translate, d.sec_run, d.sec_monitor);
}

std::string stats_json(const Stats& s, const translator::TCacheStats& tc,
                       const mmu::ShadowStats& mmu, double hz) {
  Derived d = derive(s, tc, hz);
  std::string j = "{\n";
  auto num = [&](const char* k, double v, bool last = false) {
    j += strfmt("  \"%s\": %.17g%s\n", k, v, last ? "" : ",");
  };
  num("blocks_translated", double(tc.blocks));
  num("guest_instructions_translated", double(tc.insns));
  num("guest_bytes_translated", double(tc.guest_bytes));
  num("tc_bytes", double(tc.host_bytes));
  num("host_bytes_per_guest_byte", d.bytes_per_guest_byte);
  num("tc_flushes", double(tc.flushes));
  num("links_made", double(tc.links));
  num("links_undone", double(tc.unlinks));
  num("exits_chained_direct", double(s.dyn_direct));
  num("exits_unchained", double(s.exits_branch));
  num("indirect_branches", double(s.dyn_indirect));
  num("indirect_lookup_misses", double(s.exits_indirect));
  num("indirect_lookup_hit_rate", d.ibl_hit_rate);
  num("exits_monitor", double(s.exits_monitor));
  num("exits_pending", double(s.exits_pending));
  num("exits_fault", double(s.exits_fault));
  num("signals_code_write", double(s.sig_code_write));
  num("signals_guest_exception", double(s.sig_guest_exception));
  num("signals_outside_ram", double(s.sig_unassigned));
  num("exceptions_delivered", double(s.exceptions_delivered));
  num("interrupts_delivered", double(s.interrupts_delivered));
  num("halts", double(s.halts));
  num("invalidated_blocks", double(tc.invalidated_blocks));
  num("invalidated_pages", double(tc.invalidated_pages));
  num("shadow_fills", double(mmu.fills));
  num("shadow_mmaps", double(mmu.fill_runs));
  num("shadow_pages_mapped", double(mmu.fill_pages));
  num("shadow_dirty_upgrades", double(mmu.dirty_upgrades));
  num("guest_page_faults", double(s.guest_page_faults));
  num("shadow_flushes", double(mmu.flushes));
  num("shadow_flushed_pages", double(mmu.flushed_pages));
  num("invlpg", double(mmu.invlpgs));
  num("open_bus_pages", double(mmu.open_bus_pages));
  num("port_io_inline", double(s.port_io_inline));
  num("fast_deliver", double(s.fast_deliver));
  num("fast_iret", double(s.fast_iret));
  num("seconds_total", d.sec_total);
  num("seconds_translating", d.sec_translate);
  num("seconds_running", d.sec_run);
  num("seconds_monitor", d.sec_monitor);
  j += "  \"monitor_calls\": {";
  bool first = true;
  for (size_t k = 0; k < size_t(translator::Kind::Count); ++k) {
    if (!s.monitor[k]) continue;
    j += strfmt("%s\"%s\": %llu", first ? "" : ", ", translator::kKindInfo[k].name,
                (unsigned long long)s.monitor[k]);
    first = false;
  }
  j += "}\n}\n";
  return j;
}

}  // namespace bt86::runtime
