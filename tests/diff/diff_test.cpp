// Differential tests: hand-written cases and random sequences must give the same registers,
// flags, data and faults natively and under the translator; the native runner itself is
// checked against hand-computed results from the SDM.
#define CATCH_CONFIG_RUNNER
#include <malloc.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/result.h"
#include "tests/diff/case_file.h"
#include "tests/diff/flag_mask.h"
#include "tests/diff/random_gen.h"
#include "tests/diff/snapshot_diff.h"

namespace bt86::diff {
namespace {

constexpr uint64_t kDefaultSeed = 0xB786D1FF;
constexpr uint64_t kDefaultRandomCount = 100000;
constexpr int kMaxReportedFailures = 10;

// The side compared with native. Until the translator's runner exists (CMake decides), a
// second native run: that checks the harness's determinism, not bt86.
Snapshot run_subject(const CaseInput& in) {
#if BT86_DIFF_NATIVE_ONLY
  return run_native(in);
#else
  return run_translated(in);
#endif
}

uint64_t env_u64(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 0) : fallback;
}

// Empty when both sides agree; otherwise the full report for a failure message.
std::string differential_report(const CaseInput& in) {
  Snapshot native = run_native(in);
  Snapshot subject = run_subject(in);
  std::optional<uint32_t> stop;
  if (native.fault_vector) stop = native.eip;
  uint32_t undefined = undefined_flags(in.code, stop);
  std::string diff = diff_snapshots(native, subject, undefined);
  if (diff.empty()) return {};
  return describe_input(in) + "native:\n" + format_snapshot(native) + "translated:\n" +
         format_snapshot(subject) + "differences:\n" + diff;
}

const std::vector<CaseInput>& hand_cases() {
  static const std::vector<CaseInput> cases = [] {
    auto loaded = load_case_dir(default_case_dir());
    if (!loaded) FAIL(loaded.error().message);
    return *loaded;
  }();
  return cases;
}

// A case from hand-assembled bytes, starting from the documented initial state.
CaseInput bytes_case(const char* name, std::vector<uint8_t> code) {
  CaseInput in = initial_case_state();
  in.name = name;
  in.code = std::move(code);
  return in;
}

uint32_t read_data32(const Snapshot& s, uint32_t addr) {
  uint32_t v;
  std::memcpy(&v, s.data.data() + (addr - kDataAddr), 4);
  return v;
}

TEST_CASE("every hand-written case gives the same result natively and translated", "[diff]") {
  const auto& cases = hand_cases();
  REQUIRE(cases.size() >= 300);
  int failures = 0;
  for (const CaseInput& in : cases) {
    std::string report = differential_report(in);
    if (report.empty()) continue;
    if (++failures <= kMaxReportedFailures * 5) FAIL_CHECK(report);
  }
  CHECK(failures == 0);
}

TEST_CASE("random sequences give the same result natively and translated", "[diff]") {
  uint64_t seed = env_u64("BT86_DIFF_SEED", kDefaultSeed);
  uint64_t count = env_u64("BT86_DIFF_RANDOM", kDefaultRandomCount);
  std::printf("diff: %llu random sequences, BT86_DIFF_SEED=%#llx%s\n",
              static_cast<unsigned long long>(count), static_cast<unsigned long long>(seed),
              BT86_DIFF_NATIVE_ONLY ? " (native-only build: native vs native)" : "");
  auto start = std::chrono::steady_clock::now();
  int failures = 0;
  for (uint64_t i = 0; i < count && failures < kMaxReportedFailures; ++i) {
    CaseInput in = random_case(seed, i);
    std::string report = differential_report(in);
    if (report.empty()) continue;
    ++failures;
    FAIL_CHECK(report + "reproduce: bt86_diff_case --random " + std::to_string(seed) + " " +
               std::to_string(i));
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("diff: random sequences took %.2f s\n", secs);
  CHECK(failures == 0);
}

TEST_CASE("hand-written cases fault natively exactly when their name says so", "[diff]") {
  // Convention: a case expected to fault has "fault" in its name.
  for (const CaseInput& in : hand_cases()) {
    Snapshot s = run_native(in);
    bool expect_fault = in.name.find("fault") != std::string::npos;
    if (s.fault_vector.has_value() != expect_fault)
      FAIL_CHECK(describe_input(in) + format_snapshot(s));
  }
}

TEST_CASE("hand-written cases never read a flag left undefined (straight-line check)", "[diff]") {
  // Two correct CPUs may differ in undefined flags, so reading one (ADC after MUL, LAHF after
  // AAD) would make a case's result implementation-specific.
  for (const CaseInput& in : hand_cases()) {
    if (auto eip = first_undefined_flag_read(in.code))
      FAIL_CHECK(describe_input(in) + strfmt("reads an undefined flag at %08x\n", *eip));
  }
}

TEST_CASE("random sequences never read a flag left undefined", "[diff]") {
  uint64_t seed = env_u64("BT86_DIFF_SEED", kDefaultSeed);
  for (uint64_t i = 0; i < 20000; ++i) {
    CaseInput in = random_case(seed, i);
    if (auto eip = first_undefined_flag_read(in.code))
      FAIL(describe_input(in) + strfmt("reads an undefined flag at %08x\n", *eip));
  }
}

TEST_CASE("random sequences never fault natively (the generator keeps its invariants)", "[diff]") {
  uint64_t seed = env_u64("BT86_DIFF_SEED", kDefaultSeed);
  uint64_t count = std::min<uint64_t>(env_u64("BT86_DIFF_RANDOM", kDefaultRandomCount), 20000);
  int failures = 0;
  for (uint64_t i = 0; i < count && failures < kMaxReportedFailures; ++i) {
    CaseInput in = random_case(seed, i);
    Snapshot s = run_native(in);
    if (!s.fault_vector) continue;
    ++failures;
    FAIL_CHECK(describe_input(in) + format_snapshot(s));
  }
}

TEST_CASE("native runner: 0xFFFFFFFF + 1 sets CF ZF PF AF and clears SF OF", "[diff]") {
  // b8 ff ff ff ff   mov eax, 0xffffffff
  // 83 c0 01         add eax, 1
  Snapshot s = run_native(bytes_case("add", {0xB8, 0xFF, 0xFF, 0xFF, 0xFF, 0x83, 0xC0, 0x01}));
  CHECK_FALSE(s.fault_vector);
  CHECK(s.gpr[kEax] == 0);
  CHECK((s.eflags & kComparedFlags) == (kFlagCF | kFlagZF | kFlagPF | kFlagAF));
  CHECK(s.gpr[kEsp] == kStackTop);
}

TEST_CASE("native runner: DAA after 0x0F + 0x01 gives 0x16 with AF set", "[diff]") {
  // b0 0f  mov al, 0x0f / 04 01  add al, 1 / 27  daa
  Snapshot s = run_native(bytes_case("daa", {0xB0, 0x0F, 0x04, 0x01, 0x27}));
  CHECK((s.gpr[kEax] & 0xFF) == 0x16);
  CHECK((s.eflags & (kFlagAF | kFlagCF)) == kFlagAF);
  // 0x99 + 0x01 = 0x9A; DAA gives 0x00 with CF and AF: b0 99 04 01 27
  s = run_native(bytes_case("daa carry", {0xB0, 0x99, 0x04, 0x01, 0x27}));
  CHECK((s.gpr[kEax] & 0xFF) == 0x00);
  CHECK((s.eflags & (kFlagAF | kFlagCF | kFlagZF)) == (kFlagAF | kFlagCF | kFlagZF));
}

TEST_CASE("native runner: registers, DF, stack and data come back", "[diff]") {
  // fd                        std
  // 50                        push eax
  // c7 05 08 00 10 01 ef be ad de   mov dword [0x01100008], 0xdeadbeef
  // 87 d1                     xchg ecx, edx
  CaseInput in = bytes_case("state", {0xFD, 0x50, 0xC7, 0x05, 0x08, 0x00, 0x10, 0x01, 0xEF, 0xBE,
                                      0xAD, 0xDE, 0x87, 0xD1});
  Snapshot s = run_native(in);
  CHECK_FALSE(s.fault_vector);
  CHECK(s.eflags & kFlagDF);
  CHECK(s.gpr[kEsp] == kStackTop - 4);
  CHECK(read_data32(s, kStackTop - 4) == in.gpr[kEax]);
  CHECK(read_data32(s, kDataAddr + 8) == 0xDEADBEEF);
  CHECK(s.gpr[kEcx] == in.gpr[kEdx]);
  CHECK(s.gpr[kEdx] == in.gpr[kEcx]);
  CHECK(s.gpr[kEbx] == kDataAddr);
  CHECK(s.gpr[kEsi] == in.gpr[kEsi]);
  CHECK(s.gpr[kEdi] == in.gpr[kEdi]);
  CHECK(s.gpr[kEbp] == in.gpr[kEbp]);
  // The initial flags (OF SF AF CF) went in and came out unchanged.
  CHECK((s.eflags & (kComparedFlags & ~kFlagDF)) == in.eflags);
}

TEST_CASE("native runner: DIV by zero reports #DE at the DIV with the registers before it",
          "[diff]") {
  // 31 c9  xor ecx, ecx / f7 f1  div ecx
  Snapshot s = run_native(bytes_case("div0", {0x31, 0xC9, 0xF7, 0xF1}));
  REQUIRE(s.fault_vector);
  CHECK(*s.fault_vector == 0);
  CHECK(s.eip == kCodeAddr + 2);
  CHECK(s.gpr[kEcx] == 0);
  CHECK(s.gpr[kEax] == 0x12345678);
  CHECK(s.gpr[kEsp] == kStackTop);
  CHECK((s.eflags & kFlagZF));  // from the XOR
}

TEST_CASE("native runner: UD2 reports #UD, HLT #GP, a wild load #PF, BOUND #BR", "[diff]") {
  // 90 0f 0b  nop; ud2
  Snapshot s = run_native(bytes_case("ud2", {0x90, 0x0F, 0x0B}));
  REQUIRE(s.fault_vector);
  CHECK(*s.fault_vector == 6);
  CHECK(s.eip == kCodeAddr + 1);
  // f4  hlt (privileged)
  s = run_native(bytes_case("hlt", {0xF4}));
  REQUIRE(s.fault_vector);
  CHECK(*s.fault_vector == 13);
  CHECK(s.eip == kCodeAddr);
  // 8b 05 00 00 00 00  mov eax, [0]
  s = run_native(bytes_case("null", {0x8B, 0x05, 0x00, 0x00, 0x00, 0x00}));
  REQUIRE(s.fault_vector);
  CHECK(*s.fault_vector == 14);
  // c7 03 10 00 00 00  mov dword [ebx], 0x10 / c7 43 04 20 00 00 00  mov dword [ebx+4], 0x20
  // b8 30 00 00 00  mov eax, 0x30 / 62 03  bound eax, [ebx]
  s = run_native(bytes_case("bound", {0xC7, 0x03, 0x10, 0x00, 0x00, 0x00, 0xC7, 0x43, 0x04, 0x20,
                                      0x00, 0x00, 0x00, 0xB8, 0x30, 0x00, 0x00, 0x00, 0x62, 0x03}));
  REQUIRE(s.fault_vector);
  CHECK(*s.fault_vector == 5);
  CHECK(s.eip == kCodeAddr + 18);
  // The process survives and the next run is clean.
  s = run_native(bytes_case("after", {0x40}));
  CHECK_FALSE(s.fault_vector);
  CHECK(s.gpr[kEax] == 0x12345679);
}

TEST_CASE("undefined-flag masking follows the SDM through straight-line code", "[diff]") {
  // f7 e1  mul ecx: SF ZF AF PF undefined
  const std::vector<uint8_t> mul = {0xF7, 0xE1};
  CHECK(undefined_flags(mul, std::nullopt) == (kFlagSF | kFlagZF | kFlagAF | kFlagPF));
  // mul ecx; add eax, 1 (83 c0 01): everything defined again
  const std::vector<uint8_t> mul_add = {0xF7, 0xE1, 0x83, 0xC0, 0x01};
  CHECK(undefined_flags(mul_add, std::nullopt) == 0);
  // ...unless the ADD faulted: then the flags are those after the MUL
  CHECK(undefined_flags(mul_add, kCodeAddr + 2) == (kFlagSF | kFlagZF | kFlagAF | kFlagPF));
  // mul ecx; shl eax, cl (d3 e0): a count of 0 would leave the MUL's undefined flags
  const std::vector<uint8_t> mul_shl = {0xF7, 0xE1, 0xD3, 0xE0};
  CHECK((undefined_flags(mul_shl, std::nullopt) & kFlagSF) != 0);
}

TEST_CASE("random sequences are deterministic in seed and index", "[diff]") {
  CaseInput a = random_case(1, 7), b = random_case(1, 7), c = random_case(1, 8);
  CHECK(a.code == b.code);
  CHECK(a.data == b.data);
  CHECK(a.code != c.code);
}

}  // namespace
}  // namespace bt86::diff

int main(int argc, char** argv) {
  // Every run allocates and frees a few 64 KiB data areas; without this glibc returns them to
  // the kernel each time and the page faults to get them back dominate the run time.
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  return Catch::Session().run(argc, argv);
}
