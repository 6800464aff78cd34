// Reads a kernel image file into memory, with one clear message for each way that can fail.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace bt86::boot {

// The largest kernel image bt86 reads: far above any Multiboot test kernel or i386 bzImage.
inline constexpr uint64_t kMaxImageBytes = 256ull << 20;

// The whole file at `path`. Refuses a missing, unreadable or empty file, a directory, and a
// file larger than kMaxImageBytes. Works on pipes and character devices too (read to EOF).
// `what` names the file in messages ("kernel image", "initrd").
Result<std::vector<uint8_t>> read_image(const std::string& path, const char* what = "kernel image");

}  // namespace bt86::boot
