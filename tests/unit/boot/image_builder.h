// Builds tiny Multiboot kernel images (ELF32 and a.out kludge) byte by byte for the loader tests.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace bt86::test {

// A growable little-endian byte buffer: writing past the end extends it with zeros.
class Bytes {
 public:
  void put8(size_t off, uint8_t v) {
    grow(off + 1);
    bytes_[off] = v;
  }
  void put16(size_t off, uint16_t v) {
    for (int i = 0; i < 2; ++i) put8(off + i, static_cast<uint8_t>(v >> (8 * i)));
  }
  void put32(size_t off, uint32_t v) {
    for (int i = 0; i < 4; ++i) put8(off + i, static_cast<uint8_t>(v >> (8 * i)));
  }
  void put(size_t off, const std::vector<uint8_t>& b) {
    grow(off + b.size());
    std::memcpy(bytes_.data() + off, b.data(), b.size());
  }
  void grow(size_t n) {
    if (bytes_.size() < n) bytes_.resize(n, 0);
  }
  std::vector<uint8_t>& vec() { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
};

// A Multiboot header (magic, flags, checksum) at `off`; with flag 16 also the address fields.
struct MbHeader {
  uint32_t flags = 0x00000003;  // page-align, memory info: what most test kernels ask for
  uint32_t header_addr = 0, load_addr = 0, load_end_addr = 0, bss_end_addr = 0, entry_addr = 0;
  bool bad_checksum = false;
};

inline void put_mb_header(Bytes& b, size_t off, const MbHeader& h) {
  b.put32(off, 0x1BADB002);
  b.put32(off + 4, h.flags);
  b.put32(off + 8, 0u - (0x1BADB002u + h.flags) + (h.bad_checksum ? 1 : 0));
  if (h.flags & (1u << 16)) {
    b.put32(off + 12, h.header_addr);
    b.put32(off + 16, h.load_addr);
    b.put32(off + 20, h.load_end_addr);
    b.put32(off + 24, h.bss_end_addr);
    b.put32(off + 28, h.entry_addr);
  }
}

// One program header; PT_LOAD and readable/executable unless told otherwise.
struct Phdr {
  uint32_t type = 1;  // PT_LOAD
  uint32_t offset = 0;
  uint32_t vaddr = 0;
  uint32_t paddr = 0;
  uint32_t filesz = 0;
  uint32_t memsz = 0;
  uint32_t flags = 5;         // PF_R | PF_X
  std::vector<uint8_t> data;  // written at `offset` (filesz bytes of it belong to the segment)
};

// An ELF32 executable: header at 0, program headers at 52, Multiboot header at 0x100,
// segment data where each Phdr says. Fields can be spoiled after building.
struct ElfSpec {
  uint8_t ei_class = 1;  // ELFCLASS32
  uint8_t ei_data = 1;   // ELFDATA2LSB
  uint16_t type = 2;     // ET_EXEC
  uint16_t machine = 3;  // EM_386
  uint32_t entry = 0;
  uint16_t phentsize = 32;
  std::vector<Phdr> phdrs;
  MbHeader mb;
  size_t mb_offset = 0x100;
};

inline constexpr size_t kElfPhoff = 52;

inline std::vector<uint8_t> build_elf(const ElfSpec& s) {
  Bytes b;
  b.put8(0, 0x7F);
  b.put8(1, 'E');
  b.put8(2, 'L');
  b.put8(3, 'F');
  b.put8(4, s.ei_class);
  b.put8(5, s.ei_data);
  b.put8(6, 1);  // EI_VERSION
  b.put16(16, s.type);
  b.put16(18, s.machine);
  b.put32(20, 1);  // e_version
  b.put32(24, s.entry);
  b.put32(28, s.phdrs.empty() ? 0 : kElfPhoff);
  b.put32(32, 0);   // e_shoff
  b.put16(40, 52);  // e_ehsize
  b.put16(42, s.phentsize);
  b.put16(44, static_cast<uint16_t>(s.phdrs.size()));
  for (size_t i = 0; i < s.phdrs.size(); ++i) {
    const Phdr& p = s.phdrs[i];
    size_t at = kElfPhoff + i * s.phentsize;
    b.put32(at + 0, p.type);
    b.put32(at + 4, p.offset);
    b.put32(at + 8, p.vaddr);
    b.put32(at + 12, p.paddr);
    b.put32(at + 16, p.filesz);
    b.put32(at + 20, p.memsz);
    b.put32(at + 24, p.flags);
    b.put32(at + 28, 0x1000);
  }
  put_mb_header(b, s.mb_offset, s.mb);
  for (const Phdr& p : s.phdrs) {
    if (!p.data.empty()) b.put(p.offset, p.data);
  }
  return b.vec();
}

// `n` recognisable bytes: seed, seed+1, ...
inline std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(seed + i);
  return v;
}

// The standard test kernel: 0x40 bytes of code at 1 MiB, followed by 0x2000 bytes of bss.
inline ElfSpec simple_elf() {
  ElfSpec s;
  s.entry = 0x00100010;
  Phdr text;
  text.offset = 0x1000;
  text.vaddr = text.paddr = 0x00100000;
  text.filesz = 0x40;
  text.memsz = 0x2040;
  text.data = pattern(0x40, 0x11);
  s.phdrs.push_back(text);
  return s;
}

}  // namespace bt86::test
