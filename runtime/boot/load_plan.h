// A kernel's load plan: which image bytes go where in guest RAM, checked before any is copied.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "mmu/guest_ram.h"

namespace bt86::boot {

// One contiguous piece of the kernel: file_size bytes from the image, then zeros up to mem_size.
struct Segment {
  uint32_t gpa = 0;
  uint64_t file_offset = 0;
  uint32_t file_size = 0;
  uint32_t mem_size = 0;  // >= file_size
};

struct LoadPlan {
  std::vector<Segment> segments;
  uint32_t entry = 0;
  std::string what;  // "ELF segment" or "a.out-kludge image", for messages
};

// Little-endian field readers; callers have bounds-checked `off`.
inline uint16_t le16(std::span<const uint8_t> b, size_t off) {
  return static_cast<uint16_t>(b[off] | (b[off + 1] << 8));
}
inline uint32_t le32(std::span<const uint8_t> b, size_t off) {
  return static_cast<uint32_t>(b[off]) | static_cast<uint32_t>(b[off + 1]) << 8 |
         static_cast<uint32_t>(b[off + 2]) << 16 | static_cast<uint32_t>(b[off + 3]) << 24;
}

// Refuses a plan that would write outside guest RAM or into the Multiboot info area, or whose
// entry point is not inside the memory it loads.
// The plan's file ranges must already have been checked against the image.
Result<void> check_plan(const LoadPlan& plan, uint64_t ram_bytes);

// Copies every segment into guest RAM and zeroes its bss tail. Only for a checked plan.
void apply_plan(const LoadPlan& plan, std::span<const uint8_t> image, mmu::GuestRam& ram);

}  // namespace bt86::boot
