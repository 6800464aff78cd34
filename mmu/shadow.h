// Shadow paging (DESIGN.md §4): the windows translated code runs in, and how they follow
// the guest's page tables.
//
// Paging off, the identity window maps guest-physical memory one to one. Paging on, two
// windows shadow the current CR3: the supervisor view (CPL 0-2) and the user view
// (CPL 3, only U/S pages). Both start empty; a host fault in one (SIGSEGV) is a shadow
// miss that `fill` resolves by walking the guest tables, setting Accessed/Dirty, and
// mapping the page with the permissions the view allows. A page whose Dirty bit is clear
// is mapped read-only until its first write (pages after it that the guest has already
// accessed alike are mapped by the same mmap); a page holding translated code is mapped
// read-only in every view (the reverse map finds its mappings), so writes to it reach
// the translation cache. INVLPG drops one page; a CR3 write drops the non-global
// mappings; a change to CR0.PG/WP or CR4.PSE/PGE drops everything.
#pragma once

#include <array>
#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <unordered_map>

#include "common/result.h"
#include "mmu/guest_ram.h"
#include "mmu/page_walk.h"
#include "mmu/window.h"

namespace bt86::mmu {

// The paging state of the vCPU as far as translation depends on it.
struct PagingState {
  bool enabled = false;  // CR0.PG
  PagingControls controls;
  bool pge = false;      // CR4.PGE: global pages survive CR3 writes
};

struct ShadowStats {
  uint64_t fills = 0, fill_runs = 0, fill_pages = 0, page_faults = 0, dirty_upgrades = 0;
  uint64_t flushes = 0, flushed_pages = 0, invlpgs = 0;
  uint64_t open_bus_pages = 0;  // pages outside RAM mapped as open bus (see Window)
};

class Shadow {
 public:
  static Result<std::unique_ptr<Shadow>> create(GuestRam& ram);

  // The identity window (paging off); tests shape it directly.
  Window& identity() { return identity_; }
  // The window for the current paging state and view.
  const Window& active(bool user) const;
  bool contains(uint64_t host_addr) const;
  const PagingState& state() const { return state_; }
  const ShadowStats& stats() const { return stats_; }
  // Accesses outside RAM read all ones (on), or fault as kOutside for the caller to report
  // (off: the tests that compare with a host process, where such an access is a #PF).
  void set_open_bus(bool on) { open_bus_ = on; }
  bool open_bus() const { return open_bus_; }
  // Paging off: maps the identity window's page at `phys` as open bus.
  void map_identity_open_bus(uint32_t phys) {
    identity_.map_open_bus(phys & ~0xFFFu);
    stats_.open_bus_pages++;
  }

  // Called after any write to CR0, CR3 or CR4: drops what the change invalidates.
  void set_state(const PagingState& s);
  void invlpg(uint32_t linear);

  // A linear access by the monitor or the translator's fetch (paging on): the physical
  // address, with Accessed/Dirty set, or the #PF error code. A small TLB per access kind
  // answers repeats (the dispatcher looks up the physical page of every block it enters;
  // an interrupt through the IDT reads and writes a dozen guest dwords); it is dropped
  // where a hardware TLB is: INVLPG and every write to CR0, CR3 or CR4. Only successful
  // walks are kept, each after it set the Accessed (and, for writes, Dirty) bit.
  std::expected<uint32_t, uint32_t> translate(uint32_t linear, AccessKind kind, bool user) {
    const uint32_t tag = (linear >> 12) << 1 | uint32_t(user);
    TlbEntry& e = tlb_[size_t(kind)][(linear >> 12) % kTlbSize];
    if (e.tag == tag) return e.phys_page << 12 | (linear & 0xFFF);
    auto m = walk(ram_, state_.controls, linear, kind, user);
    if (!m) return std::unexpected(m.error());
    e = TlbEntry{tag, m->phys >> 12};
    return m->phys;
  }

  // A host fault at `host_addr` in a paging window, from translated code.
  enum class Fill : uint8_t {
    kMapped,     // resolved: resume the instruction
    kPageFault,  // the guest's tables refuse it: #PF(error) with CR2 = linear
    kCodeWrite,  // a permitted write to a page with translations: invalidate, then resume
    kOutside,    // the page is outside guest RAM (no MMIO yet)
    kNotPaging,  // not a paging window's page (identity window or a guard)
  };
  struct FillResult {
    Fill outcome;
    uint32_t linear = 0, phys = 0, error = 0;
  };
  FillResult fill(uint64_t host_addr, bool write);

  // Translated-code tracking: called when a physical page gains its first translated block
  // (code) or loses its last (not code). Every mapping of the page follows.
  void set_code_page(uint32_t phys_page, bool code);
  void set_code_query(std::function<bool(uint32_t phys_page)> q) { is_code_ = std::move(q); }

 private:
  struct Mapping {
    uint32_t phys_page;
    bool writable;  // the guest lets this view write (and Dirty is set)
    bool global;
    bool large;     // a 4 KiB piece of a 4 MiB page
  };
  struct View {
    Window window;
    std::unordered_map<uint32_t, Mapping> pages;  // linear page -> mapping
    std::unordered_map<uint32_t, uint32_t> large_pieces;  // 4 MiB region -> pieces mapped
    // Linear pages mapped non-global since the last full flush (may repeat, and may name
    // pages dropped since): a CR3 write visits these, not the global kernel mappings.
    std::vector<uint32_t> nonglobal;
  };
  using Rmap = std::unordered_map<uint32_t, boost::container::small_vector<uint32_t, 2>>;
  struct TlbEntry {
    uint32_t tag = ~0u;  // linear page << 1 | user view; ~0u: empty
    uint32_t phys_page = 0;
  };
  static constexpr size_t kTlbSize = 64;
  void drop_tlb() {
    for (auto& t : tlb_) t.fill(TlbEntry{});
  }

  Shadow(GuestRam& ram, Window identity, Window sup, Window user);
  // `ram` false: an open-bus page (no reverse-map entry, not counted as a RAM fill).
  void record(int view, uint32_t lin_page, const Mapping& m, bool ram = true);
  void note_nonglobal(int view, uint32_t lin_page);
  static void compact_nonglobal(View& v);
  void map_run(int view, uint32_t first, const Mapping& m, bool code);
  void drop(int view, uint32_t lin_page);
  // The bookkeeping half of drop (mapping record, reverse map), without the munmap.
  void forget(int view, uint32_t lin_page);
  // Drops every mapping (keep_global: all but the global ones) of both views.
  void flush(bool keep_global);

  GuestRam& ram_;
  Window identity_;
  View views_[2];  // 0: supervisor, 1: user
  Rmap rmap_;      // physical page -> (view << 20 | linear page) of each mapping
  PagingState state_;
  std::function<bool(uint32_t)> is_code_;
  std::array<std::array<TlbEntry, kTlbSize>, 3> tlb_{};  // by AccessKind: read, write, fetch
  ShadowStats stats_;
  bool open_bus_ = false;
};

}  // namespace bt86::mmu
