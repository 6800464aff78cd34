// Shadow windows, fills, flushes and the reverse map; see shadow.h.
#include "mmu/shadow.h"

#include <algorithm>
#include <vector>

#include "common/assert.h"

namespace bt86::mmu {

namespace {

constexpr uint32_t kRmapView = 20;  // rmap entries: view << 20 | linear page (20 bits)

}  // namespace

Result<std::unique_ptr<Shadow>> Shadow::create(GuestRam& ram) {
  auto identity = Window::create_identity(ram);
  if (!identity) return std::unexpected(identity.error());
  auto sup = Window::create_empty();
  if (!sup) return std::unexpected(sup.error());
  auto user = Window::create_empty();
  if (!user) return std::unexpected(user.error());
  return std::unique_ptr<Shadow>(
      new Shadow(ram, std::move(*identity), std::move(*sup), std::move(*user)));
}

Shadow::Shadow(GuestRam& ram, Window identity, Window sup, Window user)
    : ram_(ram), identity_(std::move(identity)) {
  views_[0].window = std::move(sup);
  views_[1].window = std::move(user);
}

const Window& Shadow::active(bool user) const {
  return state_.enabled ? views_[user ? 1 : 0].window : identity_;
}

bool Shadow::contains(uint64_t host_addr) const {
  return identity_.contains(host_addr) || views_[0].window.contains(host_addr) ||
         views_[1].window.contains(host_addr);
}

void Shadow::set_state(const PagingState& s) {
  const PagingState old = state_;
  state_ = s;
  drop_tlb();
  if (!old.enabled && !s.enabled) return;
  const bool everything = old.enabled != s.enabled || old.controls.pse != s.controls.pse ||
                          old.controls.wp != s.controls.wp || old.pge != s.pge;
  // A CR3 write (even of the same value) drops the non-global mappings, as it flushes the TLB.
  flush(!everything && s.pge);
}

void Shadow::invlpg(uint32_t linear) {
  stats_.invlpgs++;
  drop_tlb();  // a 4 MiB page may back many entries
  for (int view = 0; view < 2; ++view) {
    View& v = views_[view];
    // A 4 MiB page is shadowed as 4 KiB pieces: INVLPG anywhere in it drops them all.
    const uint32_t region = linear >> 22;
    if (v.large_pieces.count(region)) {
      for (uint32_t lin = region << 10; lin < (region + 1) << 10 && v.large_pieces.count(region);
           ++lin)
        drop(view, lin);
    } else {
      drop(view, linear >> 12);
    }
  }
}

Shadow::FillResult Shadow::fill(uint64_t host_addr, bool write) {
  FillResult r{Fill::kNotPaging};
  if (!state_.enabled) return r;
  int view = -1;
  uint32_t linear = 0;
  for (int i = 0; i < 2; ++i)
    if (views_[i].window.guest_address(host_addr, &linear)) view = i;
  if (view < 0) return r;
  r.linear = linear;
  auto m = walk(ram_, state_.controls, linear, write ? AccessKind::kWrite : AccessKind::kRead,
                view == 1);
  if (!m) {
    stats_.page_faults++;
    r.outcome = Fill::kPageFault;
    r.error = m.error();
    return r;
  }
  r.phys = m->phys;
  const uint32_t lin_page = linear >> 12, phys_page = m->phys >> 12;
  if (!ram_.contains(m->phys & ~0xFFFu, 4096)) {
    if (!open_bus_) {
      r.outcome = Fill::kOutside;
      return r;
    }
    // No RAM and no device there: open bus. Not in the reverse map (it holds no code).
    if (views_[view].pages.count(lin_page)) drop(view, lin_page);
    views_[view].window.map_open_bus(lin_page << 12);
    record(view, lin_page, Mapping{phys_page, true, m->global && state_.pge, m->large},
           /*ram=*/false);
    stats_.open_bus_pages++;
    r.outcome = Fill::kMapped;
    return r;
  }
  const bool code = is_code_ && is_code_(phys_page);
  auto existing = views_[view].pages.find(lin_page);
  if (existing != views_[view].pages.end() && existing->second.phys_page == phys_page) {
    // Mapped read-only: Dirty was clear (now set by this write) or the page holds code.
    existing->second.writable = m->writable && m->dirty;
    if (!code) {
      stats_.dirty_upgrades++;
      views_[view].window.protect(lin_page << 12, 4096, existing->second.writable);
    }
  } else {
    if (existing != views_[view].pages.end()) drop(view, lin_page);
    map_run(view, lin_page,
            Mapping{phys_page, m->writable && m->dirty, m->global && state_.pge, m->large}, code);
  }
  stats_.fills++;
  r.outcome = write && code ? Fill::kCodeWrite : Fill::kMapped;
  return r;
}

void Shadow::record(int view, uint32_t lin_page, const Mapping& m, bool ram) {
  views_[view].pages[lin_page] = m;
  if (!m.global) note_nonglobal(view, lin_page);
  if (m.large) views_[view].large_pieces[lin_page >> 10]++;
  if (!ram) return;  // open bus: never code, so not in the reverse map
  rmap_[m.phys_page].push_back(uint32_t(view) << kRmapView | lin_page);
  stats_.fill_pages++;
}

// Maps `first` and, with one mmap, the pages after it that the guest has already used in
// the same way: present, Accessed (so no bit needs setting), the same rights for this view
// (and Dirty where the run is writable), physically contiguous, not yet mapped, not code,
// within one page-table's reach. A sequential walk through memory then faults once per run.
void Shadow::map_run(int view, uint32_t first, const Mapping& m, bool code) {
  constexpr uint32_t kAhead = 15;
  const bool user = view == 1;
  uint32_t count = 1;
  bool global[kAhead + 1] = {m.global};
  if (!code) {
    while (count <= kAhead) {
      const uint32_t lin = first + count;
      if ((lin >> 10) != (first >> 10) || views_[view].pages.count(lin)) break;
      auto next = peek(ram_, state_.controls, lin << 12);
      if (!next || !next->accessed || (next->phys >> 12) != m.phys_page + count) break;
      if (!ram_.contains(uint64_t(next->phys & ~0xFFFu), 4096)) break;
      if (user && !next->user) break;
      const bool writable = (user ? next->rw : (next->rw || !state_.controls.wp)) && next->dirty;
      if (writable != m.writable || (is_code_ && is_code_(m.phys_page + count))) break;
      global[count] = next->global && state_.pge;
      ++count;
    }
  }
  views_[view].window.map(ram_, first << 12, m.phys_page << 12, count << 12, m.writable && !code);
  stats_.fill_runs++;
  for (uint32_t i = 0; i < count; ++i) {
    Mapping page = m;
    page.phys_page = m.phys_page + i;
    page.global = global[i];
    record(view, first + i, page);
  }
}

void Shadow::forget(int view, uint32_t lin_page) {
  View& v = views_[view];
  auto it = v.pages.find(lin_page);
  if (it == v.pages.end()) return;
  auto r = rmap_.find(it->second.phys_page);
  if (r != rmap_.end()) {
    auto& list = r->second;
    list.erase(std::remove(list.begin(), list.end(), uint32_t(view) << kRmapView | lin_page),
               list.end());
    if (list.empty()) rmap_.erase(r);
  }
  if (it->second.large) {
    auto l = v.large_pieces.find(lin_page >> 10);
    if (l != v.large_pieces.end() && --l->second == 0) v.large_pieces.erase(l);
  }
  v.pages.erase(it);
}

void Shadow::drop(int view, uint32_t lin_page) {
  if (!views_[view].pages.count(lin_page)) return;
  forget(view, lin_page);
  views_[view].window.unmap(lin_page << 12, 4096);
}

// The view's non-global list reduced to the pages mapped non-global now, sorted, once each.
void Shadow::compact_nonglobal(View& v) {
  std::sort(v.nonglobal.begin(), v.nonglobal.end());
  v.nonglobal.erase(std::unique(v.nonglobal.begin(), v.nonglobal.end()), v.nonglobal.end());
  std::erase_if(v.nonglobal, [&v](uint32_t lin) {
    auto it = v.pages.find(lin);
    return it == v.pages.end() || it->second.global;
  });
}

void Shadow::note_nonglobal(int view, uint32_t lin_page) {
  View& v = views_[view];
  v.nonglobal.push_back(lin_page);
  // Pages dropped by INVLPG and mapped again repeat here: keep the list near the live set.
  if (v.nonglobal.size() > 2 * v.pages.size() + 4096) compact_nonglobal(v);
}

void Shadow::flush(bool keep_global) {
  stats_.flushes++;
  for (int view = 0; view < 2; ++view) {
    View& v = views_[view];
    std::vector<uint32_t> victims;
    if (keep_global) {
      compact_nonglobal(v);
      victims.swap(v.nonglobal);
    } else {
      victims.reserve(v.pages.size());
      for (const auto& [lin, m] : v.pages) victims.push_back(lin);
      std::sort(victims.begin(), victims.end());
      v.nonglobal.clear();
    }
    stats_.flushed_pages += victims.size();
    // Bookkeeping per page, host unmapping per contiguous run of linear pages.
    size_t i = 0;
    while (i < victims.size()) {
      size_t j = i + 1;
      while (j < victims.size() && victims[j] == victims[j - 1] + 1) ++j;
      for (size_t k = i; k < j; ++k) forget(view, victims[k]);
      v.window.unmap(victims[i] << 12, uint64_t(j - i) << 12);
      i = j;
    }
  }
}

void Shadow::set_code_page(uint32_t phys_page, bool code) {
  if (phys_page < (1u << 20) && ram_.contains(uint64_t(phys_page) << 12, 4096))
    identity_.set_page_writable(phys_page << 12, !code);
  auto r = rmap_.find(phys_page);
  if (r == rmap_.end()) return;
  for (uint32_t e : r->second) {
    const int view = int(e >> kRmapView);
    const uint32_t lin = e & ((1u << kRmapView) - 1);
    const Mapping& m = views_[view].pages.at(lin);
    views_[view].window.protect(lin << 12, 4096, m.writable && !code);
  }
}

}  // namespace bt86::mmu
