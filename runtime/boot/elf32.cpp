// Turns an ELF32 i386 executable into a load plan by its PT_LOAD program headers.
#include "runtime/boot/elf32.h"

namespace bt86::boot {

namespace {

// Field offsets and values from the System V ABI (ELF) and its i386 supplement.
constexpr size_t kEhdrSize = 52;
constexpr size_t kEiClass = 4, kEiData = 5;
constexpr uint8_t kClass32 = 1, kClass64 = 2, kData2Lsb = 1;
constexpr size_t kEType = 16, kEMachine = 18, kEEntry = 24, kEPhoff = 28;
constexpr size_t kEPhentsize = 42, kEPhnum = 44;
constexpr uint16_t kEtExec = 2, kEm386 = 3, kEmX86_64 = 62;

constexpr size_t kPhdrSize = 32;
constexpr size_t kPType = 0, kPOffset = 4, kPVaddr = 8, kPPaddr = 12;
constexpr size_t kPFilesz = 16, kPMemsz = 20, kPFlags = 24;
constexpr uint32_t kPtLoad = 1, kPfX = 1;

const char* type_name(uint16_t type) {
  switch (type) {
    case 0:
      return "ET_NONE";
    case 1:
      return "ET_REL, an object file";
    case 3:
      return "ET_DYN, a shared object or PIE";
    case 4:
      return "ET_CORE, a core dump";
    default:
      return "unknown";
  }
}

}  // namespace

bool is_elf(std::span<const uint8_t> image) {
  return image.size() >= 4 && image[0] == 0x7F && image[1] == 'E' && image[2] == 'L' &&
         image[3] == 'F';
}

Result<LoadPlan> plan_elf32(std::span<const uint8_t> image) {
  if (!is_elf(image)) return fail("not an ELF image");
  if (image.size() <= kEiClass) return fail("truncated ELF header (%zu bytes)", image.size());
  if (image[kEiClass] == kClass64) {
    return fail("bt86 runs 32-bit guests: this is an ELF64 image; build the kernel for i386");
  }
  if (image[kEiClass] != kClass32) return fail("unknown ELF class %u", image[kEiClass]);
  if (image.size() < kEhdrSize) {
    return fail("truncated ELF header: %zu bytes, an ELF32 header has %zu", image.size(),
                kEhdrSize);
  }
  if (image[kEiData] != kData2Lsb) {
    return fail("big-endian (or unknown data encoding %u) ELF image: x86 guests are little-endian",
                image[kEiData]);
  }

  uint16_t machine = le16(image, kEMachine);
  if (machine == kEmX86_64) {
    return fail("wrong machine: ELF32 image for x86-64 (x32, EM_X86_64); bt86 needs EM_386");
  }
  if (machine != kEm386) return fail("wrong machine: e_machine %u, bt86 needs EM_386 (3)", machine);
  uint16_t type = le16(image, kEType);
  if (type != kEtExec) {
    return fail("not an executable: e_type %u (%s), Multiboot needs ET_EXEC", type,
                type_name(type));
  }

  uint32_t phoff = le32(image, kEPhoff);
  uint16_t phentsize = le16(image, kEPhentsize);
  uint16_t phnum = le16(image, kEPhnum);
  if (phnum == 0) return fail("the kernel image loads nothing (no PT_LOAD segment)");
  if (phentsize < kPhdrSize) {
    return fail("bad ELF header: e_phentsize %u is smaller than an ELF32 program header (%zu)",
                phentsize, kPhdrSize);
  }
  uint64_t table_end = uint64_t{phoff} + uint64_t{phnum} * phentsize;
  if (table_end > image.size()) {
    return fail("truncated program header table: it ends at byte %llu of a %zu-byte image",
                (unsigned long long)table_end, image.size());
  }

  LoadPlan plan;
  plan.what = "ELF segment";
  plan.entry = le32(image, kEEntry);
  uint32_t e_entry = plan.entry;
  for (unsigned i = 0; i < phnum; ++i) {
    size_t ph = phoff + size_t{i} * phentsize;
    if (le32(image, ph + kPType) != kPtLoad) continue;
    uint32_t offset = le32(image, ph + kPOffset);
    uint32_t vaddr = le32(image, ph + kPVaddr);
    uint32_t paddr = le32(image, ph + kPPaddr);
    uint32_t filesz = le32(image, ph + kPFilesz);
    uint32_t memsz = le32(image, ph + kPMemsz);
    uint32_t flags = le32(image, ph + kPFlags);
    if (filesz > memsz) {
      return fail("ELF segment %u: p_filesz 0x%x is larger than p_memsz 0x%x", i, filesz, memsz);
    }
    if (uint64_t{offset} + filesz > image.size()) {
      return fail(
          "truncated ELF segment %u: file bytes 0x%x-0x%llx lie past the end of the "
          "%zu-byte image",
          i, offset, (unsigned long long)(uint64_t{offset} + filesz - 1), image.size());
    }
    if (uint64_t{paddr} + memsz > (1ull << 32)) {
      return fail("ELF segment %u at 0x%08x (0x%x bytes) wraps around the 4 GiB address space", i,
                  paddr, memsz);
    }
    if (uint64_t{vaddr} + memsz > (1ull << 32)) {
      return fail("ELF segment %u: virtual range 0x%08x (0x%x bytes) wraps around 4 GiB", i, vaddr,
                  memsz);
    }
    if (memsz == 0) continue;  // an empty PT_LOAD occupies nothing
    if (vaddr != paddr && (flags & kPfX) && e_entry >= vaddr &&
        uint64_t{e_entry} < uint64_t{vaddr} + filesz) {
      plan.entry = e_entry - vaddr + paddr;
    }
    plan.segments.push_back(Segment{paddr, offset, filesz, memsz});
  }
  if (plan.segments.empty()) return fail("the kernel image loads nothing (no PT_LOAD segment)");
  return plan;
}

}  // namespace bt86::boot
