// Translation cache bookkeeping: one bump-allocated arena, chains that can be undone.
#include "translator/tcache.h"

#include <asmjit/core.h>

#include <algorithm>
#include <cstring>

#include "common/assert.h"

namespace bt86::translator {

const SideEntry* Block::side_for(const uint8_t* host_pc) const {
  uint32_t off = uint32_t(host_pc - code);
  auto it = std::upper_bound(side.begin(), side.end(), off,
                             [](uint32_t o, const SideEntry& e) { return o < e.host_off; });
  return it == side.begin() ? nullptr : &*(it - 1);
}

Result<std::unique_ptr<TCache>> TCache::create(size_t bytes, runtime::VcpuState* vcpu) {
  auto tc = std::unique_ptr<TCache>(new TCache());
  tc->vcpu_ = vcpu;
  asmjit::JitAllocator::CreateParams params;
  params.options = asmjit::JitAllocatorOptions::kUseDualMapping;
  params.blockSize = uint32_t(bytes);
  auto* jit = new asmjit::JitAllocator(&params);
  tc->jit_ = jit;
  void* rx = nullptr;
  void* rw = nullptr;
  if (jit->alloc(&rx, &rw, bytes) != asmjit::kErrorOk)
    return fail("cannot allocate a %zu MiB translation cache", bytes >> 20);
  tc->rx_ = static_cast<uint8_t*>(rx);
  tc->rw_ = static_cast<uint8_t*>(rw);
  tc->capacity_ = bytes;
  return tc;
}

TCache::~TCache() {
  auto* jit = static_cast<asmjit::JitAllocator*>(jit_);
  if (jit) {
    if (rx_) jit->release(rx_);
    delete jit;
  }
}

void TCache::seal_glue(size_t glue_bytes, uint64_t ibl_miss) {
  glue_end_ = top_ = (glue_bytes + 63) & ~size_t(63);
  ibl_miss_ = ibl_miss;
  ibl_published_overflow_ = true;  // the first reset rewrites every entry
  reset_ibl();
}

void TCache::reset_ibl() {
  clear_published(false);
  unlink_cross_all(false);
  std::fill(large_regions_.begin(), large_regions_.end(), 0);
}

void TCache::reset_ibl_nonglobal() {
  clear_published(true);
  unlink_cross_all(true);
}

void TCache::note_cross_link(uint32_t slot, const Block* target) {
  const bool global = note_code_page(target);
  cross_links_[global][target->linear() >> 12].push_back(slot);
  if (target->pages[1] != ~0u) cross_links_[global][((target->linear() | 0xFFF) + 1) >> 12].push_back(slot);
}

void TCache::unlink_cross(std::vector<uint32_t>& slots) {
  for (uint32_t slot : slots) {
    Slot& s = slots_[slot];
    if (!s.linked) continue;
    auto& in = s.linked->incoming;
    in.erase(std::remove(in.begin(), in.end(), slot), in.end());
    unlink_slot(slot);
  }
  slots.clear();
}

void TCache::unlink_cross_all(bool keep_global) {
  for (int global = 0; global < 2; ++global) {
    if (keep_global && global) continue;
    for (auto& [page, slots] : cross_links_[global]) unlink_cross(slots);
    cross_links_[global].clear();
  }
}

void TCache::clear_published(bool keep_global) {
  if (ibl_published_overflow_) {
    for (uint64_t& e : vcpu_->ibl) e = ibl_miss_;
    std::fill(ibl_pages_.begin(), ibl_pages_.end(), 0);
    for (auto& list : ibl_published_) list.clear();
    ibl_published_overflow_ = false;
    return;
  }
  for (int global = 0; global < 2; ++global) {
    if (keep_global && global) continue;
    for (const Published& p : ibl_published_[global]) {
      vcpu_->ibl[p.index] = ibl_miss_;
      ibl_pages_[p.page >> 6] &= ~(1ull << (p.page & 63));
    }
    ibl_published_[global].clear();
  }
}

void TCache::reset_ibl_linear(uint32_t linear) {
  const uint32_t region = linear >> 22;
  uint64_t& word = large_regions_[region >> 6];
  const uint64_t bit = 1ull << (region & 63);
  if (word & bit) {
    word &= ~bit;
    reset_ibl_pages(region << 10, 1024);
  } else {
    reset_ibl_pages(linear >> 12, 1);
  }
}

void TCache::reset_ibl_pages(uint32_t first, uint32_t count) {
  // INVLPG under PSE names a whole 4 MiB region (1024 pages): visit what is recorded, not
  // every page of the range.
  const uint32_t end = std::min<uint64_t>(uint64_t(first) + count, 1u << 20);
  for (auto& links : cross_links_) {
    if (links.empty()) continue;
    if (links.size() < end - first) {
      for (auto it = links.begin(); it != links.end();) {
        if (it->first >= first && it->first < end) {
          unlink_cross(it->second);
          it = links.erase(it);
        } else {
          ++it;
        }
      }
      continue;
    }
    for (uint32_t page = first; page < end; ++page) {
      auto it = links.find(page);
      if (it == links.end()) continue;
      unlink_cross(it->second);
      links.erase(it);
    }
  }
  for (uint32_t page = first; page < end; ++page) {
    if ((page & 63) == 0 && page + 64 <= end && ibl_pages_[page >> 6] == 0) {
      page += 63;  // no published entry on these 64 pages
      continue;
    }
    uint64_t& word = ibl_pages_[page >> 6];
    const uint64_t bit = 1ull << (page & 63);
    if (!(word & bit)) continue;
    word &= ~bit;
    // A page's EIPs share one run of 4096 entries per salt (aligned unless the mode's code
    // segment base is not: then the run wraps around the table's end).
    for (size_t i = 0; i < salted_modes_.size(); ++i) {
      const uint32_t first = ibl_index((page << 12) - salted_modes_[i].cs_base, uint32_t(i) << 12);
      const uint32_t n = std::min<uint32_t>(4096, runtime::kIblEntries - first);
      std::fill_n(vcpu_->ibl + first, n, ibl_miss_);
      std::fill_n(vcpu_->ibl, 4096 - n, ibl_miss_);
    }
  }
}

std::optional<uint32_t> TCache::salt(ModeKey mode) {
  for (size_t i = 0; i < salted_modes_.size(); ++i)
    if (salted_modes_[i] == mode) return uint32_t(i) << 12;
  if (salted_modes_.size() == runtime::kIblEntries / 4096) return std::nullopt;
  salted_modes_.push_back(mode);
  return uint32_t(salted_modes_.size() - 1) << 12;
}

uint32_t TCache::new_slot() {
  slots_.emplace_back();
  return uint32_t(slots_.size() - 1);
}

Block* TCache::install(Block proto, const uint8_t* code, size_t size,
                       const std::vector<PendingExit>& exits) {
  BT_ASSERT(size <= free_bytes(), "arena overflow: %zu > %zu", size, free_bytes());
  size_t at = top_;
  std::memcpy(rw_ + at, code, size);
  top_ = (top_ + size + 15) & ~size_t(15);

  blocks_.push_back(std::move(proto));
  Block* b = &blocks_.back();
  b->code = rx_ + at;
  b->code_size = uint32_t(size);
  for (const PendingExit& e : exits) {
    Slot& s = slots_[e.slot];
    s.owner = b;
    s.rel32_off = uint32_t(at + e.jump_rel32_off);
    s.stub_off = uint32_t(at + e.stub_off);
    b->exit_slots.push_back(e.slot);
  }
  by_address_.push_back(b);
  stats_.host_bytes += size;
  if (b->one_shot) return b;

  index_[key_of(b)] = b;
  lookup_cache_[cache_slot(b->eip, b->pages[0], b->mode.hash())] = b;
  for (uint32_t page : b->pages) {
    if (page == ~0u) continue;
    auto& list = pages_[page];
    if (list.empty()) {
      code_bits_[page >> 6] |= 1ull << (page & 63);
      if (protect_) protect_(page, true);
    }
    list.push_back(b);
  }
  publish_ibl(b);
  stats_.blocks++;
  stats_.insns += b->insn_count;
  stats_.guest_bytes += b->guest_size;
  return b;
}

Block* TCache::block_at(const uint8_t* host_pc) const {
  auto it = std::upper_bound(by_address_.begin(), by_address_.end(), host_pc,
                             [](const uint8_t* p, const Block* b) { return p < b->code; });
  if (it == by_address_.begin()) return nullptr;
  Block* b = *(it - 1);
  return b->contains_host(host_pc) ? b : nullptr;
}

void TCache::patch_rel32(uint32_t rel32_off, const uint8_t* target) {
  int64_t rel = int64_t(target - (rx_ + rel32_off + 4));
  BT_ASSERT(rel == int32_t(rel), "chain out of rel32 reach");
  int32_t r = int32_t(rel);
  std::memcpy(rw_ + rel32_off, &r, 4);
}

void TCache::link(uint32_t slot, Block* target) {
  BT_ASSERT(slot < slots_.size(), "bad slot %u", slot);
  Slot& s = slots_[slot];
  if (!s.owner || !s.owner->valid || !target->valid || s.linked || s.owner->one_shot ||
      s.owner->unlinked || target->unlinked)
    return;
  if (paging_ && ((s.owner->linear() >> 12) != (target->linear() >> 12) || target->pages[1] != ~0u))
    note_cross_link(slot, target);
  patch_rel32(s.rel32_off, target->entry());
  s.linked = target;
  target->incoming.push_back(slot);
  stats_.links++;
}

void TCache::unlink_slot(uint32_t slot) {
  Slot& s = slots_[slot];
  if (!s.linked) return;
  patch_rel32(s.rel32_off, rx_ + s.stub_off);
  s.linked = nullptr;
  stats_.unlinks++;
}

void TCache::invalidate(Block* b) {
  if (!b->valid) return;
  b->valid = false;
  stats_.invalidated_blocks++;
  for (uint32_t slot : b->incoming) unlink_slot(slot);
  b->incoming.clear();
  for (uint32_t slot : b->exit_slots) {
    Slot& s = slots_[slot];
    if (s.linked) {
      auto& in = s.linked->incoming;
      in.erase(std::remove(in.begin(), in.end(), slot), in.end());
      s.linked = nullptr;
    }
  }
  auto it = index_.find(key_of(b));
  if (it != index_.end() && it->second == b) index_.erase(it);
  Block*& cached = lookup_cache_[cache_slot(b->eip, b->pages[0], b->mode.hash())];
  if (cached == b) cached = nullptr;
  uint64_t& ibl = vcpu_->ibl[ibl_index(b->eip, b->ibl_salt)];
  if (ibl == uint64_t(b->indirect_entry())) ibl = ibl_miss_;
  for (uint32_t page : b->pages) {
    if (page == ~0u) continue;
    auto pit = pages_.find(page);
    if (pit == pages_.end()) continue;
    auto& list = pit->second;
    list.erase(std::remove(list.begin(), list.end(), b), list.end());
    if (list.empty()) {
      pages_.erase(pit);
      code_bits_[page >> 6] &= ~(1ull << (page & 63));
      if (protect_) protect_(page, false);
    }
  }
}

void TCache::invalidate_page(uint32_t page) {
  auto it = pages_.find(page);
  if (it == pages_.end()) return;
  auto victims = it->second;  // invalidate() edits the list
  for (Block* b : victims) invalidate(b);
  stats_.invalidated_pages++;
}

void TCache::flush() {
  for (auto& [page, list] : pages_)
    if (protect_) protect_(page, false);
  pages_.clear();
  std::fill(code_bits_.begin(), code_bits_.end(), 0);
  index_.clear();
  std::fill(lookup_cache_.begin(), lookup_cache_.end(), nullptr);
  by_address_.clear();
  blocks_.clear();
  slots_.clear();
  monitor_sites_.clear();
  for (auto& links : cross_links_) links.clear();  // their slots are gone with the arena
  top_ = glue_end_;
  reset_ibl();
  salted_modes_.clear();
  stats_.flushes++;
}

}  // namespace bt86::translator
