// Turns an ELF32 i386 executable into a load plan by its PT_LOAD program headers.
#pragma once

#include <cstdint>
#include <span>

#include "common/result.h"
#include "runtime/boot/load_plan.h"

namespace bt86::boot {

// True when the image starts with the ELF magic (any class, any machine).
bool is_elf(std::span<const uint8_t> image);

// The plan for an ELF32 little-endian EM_386 ET_EXEC image. As QEMU's ELF loader does, each
// PT_LOAD segment goes to its p_paddr, and an entry point inside an executable segment whose
// p_vaddr differs from p_paddr is moved by the same offset (e_entry is a virtual address).
// Every header field is checked against the image size; nothing here writes guest memory.
Result<LoadPlan> plan_elf32(std::span<const uint8_t> image);

}  // namespace bt86::boot
