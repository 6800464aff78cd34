// The sensitive-instruction report: counts, first EIPs, what bt86 gave (read back from the
// after-state as the SDM lays each result out) and the measured naive ring-3 column.
//
// Guest bytes are 32-bit encodings checked against `nasm -f bin` listings. The before/after
// states are synthetic: each test writes the result the SDM defines for the instruction, as
// the monitor would, and checks that the report reads it back from the right place.
#include <catch2/catch.hpp>

#include <cpuid.h>
#include <signal.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "runtime/cpu_model.h"
#include "runtime/host_probes.h"
#include "runtime/sensitive_report.h"
#include "translator/classify.h"
#include "translator/decode.h"

using namespace bt86;
using namespace bt86::runtime;
using bt86::translator::Kind;
using Catch::Contains;

namespace {

translator::Insn decode_at(std::initializer_list<uint8_t> bytes, uint32_t eip) {
  std::vector<uint8_t> b(bytes);
  translator::Insn in;
  REQUIRE(translator::decode(b.data(), b.size(), eip, &in) == translator::DecodeStatus::kOk);
  REQUIRE(in.z.length == b.size());
  return in;
}

struct Guest {
  mmu::GuestRam ram = std::move(mmu::GuestRam::create(1u << 20).value());
  GuestMemory mem{ram};
  SensitiveReport report;

  // Decodes, classifies and observes one execution; returns the kind the table gave it.
  // `completed`: the monitor moved EIP past the instruction (otherwise it stays).
  Kind run(std::initializer_list<uint8_t> bytes, uint32_t eip, const VcpuSnapshot& before,
           VcpuSnapshot after, bool completed = true) {
    translator::Insn in = decode_at(bytes, eip);
    Kind k = translator::classify(in);
    after.eip = completed ? in.next_eip() : eip;
    report.observe(in, k, before, after, mem);
    return k;
  }
  const SensitiveReport::Sample& sample(Kind k, size_t i = 0) {
    REQUIRE(report.entry(k).samples.size() > i);
    return report.entry(k).samples[i];
  }
};

VcpuSnapshot at(uint32_t eip) {
  VcpuSnapshot s;
  s.eip = eip;
  s.gpr[4] = 0x8000;  // ESP
  s.sel[kCS] = 0x08;
  s.sel[kSS] = s.sel[kDS] = s.sel[kES] = 0x10;
  return s;
}

uint64_t own_rflags() {
  uint64_t f;
  asm volatile("pushfq; popq %0" : "=r"(f));
  return f;
}

std::string vendor_of_this_cpu() {
  unsigned a, b, c, d;
  __cpuid(0, a, b, c, d);
  char v[13] = {};
  std::memcpy(v, &b, 4);
  std::memcpy(v + 4, &d, 4);
  std::memcpy(v + 8, &c, 4);
  return v;
}

// A strict JSON syntax check (RFC 8259 values), enough to catch a broken report file.
struct JsonChecker {
  const std::string& s;
  size_t i = 0;
  void ws() {
    while (i < s.size() && std::strchr(" \t\r\n", s[i])) ++i;
  }
  bool lit(const char* w) {
    size_t n = std::strlen(w);
    if (s.compare(i, n, w) != 0) return false;
    i += n;
    return true;
  }
  bool string() {
    if (s[i] != '"') return false;
    for (++i; i < s.size(); ++i) {
      if (s[i] == '"') return ++i, true;
      if (static_cast<unsigned char>(s[i]) < 0x20) return false;
      if (s[i] == '\\' && ++i < s.size() && !std::strchr("\"\\/bfnrtu", s[i])) return false;
    }
    return false;
  }
  bool number() {
    size_t start = i;
    if (s[i] == '-') ++i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.' ||
                            s[i] == 'e' || s[i] == 'E' || s[i] == '+' || s[i] == '-'))
      ++i;
    return i > start;
  }
  bool value() {
    ws();
    if (i >= s.size()) return false;
    bool ok;
    if (s[i] == '{') ok = members('}', true);
    else if (s[i] == '[') ok = members(']', false);
    else if (s[i] == '"') ok = string();
    else if (lit("true") || lit("false") || lit("null")) ok = true;
    else ok = number();
    ws();
    return ok;
  }
  bool members(char close, bool object) {
    ++i;
    ws();
    if (s[i] == close) return ++i, true;
    for (;;) {
      if (object) {
        ws();
        if (!string()) return false;
        ws();
        if (s[i++] != ':') return false;
      }
      if (!value()) return false;
      if (s[i] == close) return ++i, true;
      if (s[i++] != ',') return false;
    }
  }
  bool document() { return value() && i == s.size(); }
};

bool valid_json(const std::string& s) { return JsonChecker{s}.document(); }

}  // namespace

TEST_CASE("SGDT: bt86's answer is read back as limit word then 32-bit base", "[runtime]") {
  Guest g;
  // sgdt [ebx+8]  (0f 01 43 08), EBX = 0x3000
  VcpuSnapshot before = at(0x100010), after = before;
  before.gpr[3] = after.gpr[3] = 0x3000;
  before.gdtr = after.gdtr = {0x00102000, 0x0017};
  REQUIRE(g.mem.write(0x3008, 2, 0x0017));
  REQUIRE(g.mem.write(0x300A, 4, 0x00102000));
  CHECK(g.run({0x0f, 0x01, 0x43, 0x08}, 0x100010, before, after) == Kind::Sgdt);

  CHECK(g.report.count(Kind::Sgdt) == 1);
  const auto& s = g.sample(Kind::Sgdt);
  CHECK(s.eip == 0x100010);
  CHECK_THAT(s.insn, Contains("sgdt"));
  CHECK_THAT(s.gave, Contains("limit 0x0017 base 0x00102000"));
  // Measured here: either a value stored at CPL 3 (real or UMIP's stand-in) or a fault.
  CHECK(s.measured);
  const NativeResult& n = host_facts().sgdt;
  if (n.signal)
    CHECK_THAT(s.naive, Contains("faults"));
  else
    CHECK_THAT(s.naive, Contains(strfmt("limit 0x%04x base 0x%08x", n.limit, uint32_t(n.value))));
}

TEST_CASE("SGDT with 16-bit addressing stores at the 16-bit effective address", "[runtime]") {
  Guest g;
  // addr16 sgdt [bx+si]  (67 0f 01 00): only BX and SI count, and their sum wraps at 64 KiB:
  // 0xFFF8 + 0x3010 = 0x13008 -> 0x3008.
  VcpuSnapshot before = at(0x100014);
  before.gpr[3] = 0xABCDFFF8;
  before.gpr[6] = 0x00013010;
  REQUIRE(g.mem.write(0x3008, 2, 0x07FF));
  REQUIRE(g.mem.write(0x300A, 4, 0x00107000));
  CHECK(g.run({0x67, 0x0f, 0x01, 0x00}, 0x100014, before, before) == Kind::Sgdt);
  CHECK_THAT(g.sample(Kind::Sgdt).gave, Contains("limit 0x07ff base 0x00107000"));
}

TEST_CASE("a VcpuState converts to the snapshot the report reads", "[runtime]") {
  auto v = std::make_unique<VcpuState>();
  for (int i = 0; i < 8; ++i) v->gpr[i] = 0x1000u * (i + 1);
  v->eip = 0x100123;
  v->eflags = 0x3202;
  for (int i = 0; i < 6; ++i) v->seg[i].selector = uint16_t(0x08 * (i + 1) + 3);
  v->gdtr = {0x00102000, 0x17};
  v->idtr = {0x00107000, 0x7FF};
  v->ldtr.selector = 0x38;
  v->tr.selector = 0x40;
  v->cr0 = 0x80000011;
  v->cr4 = 0x10;
  v->cpl = 3;
  VcpuSnapshot s = *v;
  for (int i = 0; i < 8; ++i) CHECK(s.gpr[i] == v->gpr[i]);
  for (int i = 0; i < 6; ++i) CHECK(s.sel[i] == v->seg[i].selector);
  CHECK(s.eip == 0x100123);
  CHECK(s.eflags == 0x3202);
  CHECK((s.gdtr.base == 0x00102000 && s.gdtr.limit == 0x17));
  CHECK((s.idtr.base == 0x00107000 && s.idtr.limit == 0x7FF));
  CHECK(s.ldtr == 0x38);
  CHECK(s.tr == 0x40);
  CHECK(s.cr0 == 0x80000011);
  CHECK(s.cr4 == 0x10);
  CHECK(s.cpl == 3);
}

TEST_CASE("counts every execution but keeps only the first four distinct EIPs", "[runtime]") {
  Guest g;
  VcpuSnapshot s = at(0x1000);
  s.eflags = 0x202;
  // cli (fa) at six EIPs, the first one three times
  const uint32_t eips[] = {0x1000, 0x1000, 0x1000, 0x2000, 0x3000, 0x4000, 0x5000, 0x6000};
  for (uint32_t eip : eips) {
    VcpuSnapshot b = s, a = s;
    b.eip = eip;
    a.eflags = 0x002;
    g.run({0xfa}, eip, b, a);
  }
  CHECK(g.report.count(Kind::Cli) == 8);
  const auto& samples = g.report.entry(Kind::Cli).samples;
  REQUIRE(samples.size() == SensitiveReport::kMaxSamples);
  CHECK(samples[0].eip == 0x1000);
  CHECK(samples[1].eip == 0x2000);
  CHECK(samples[2].eip == 0x3000);
  CHECK(samples[3].eip == 0x4000);
  CHECK_THAT(g.report.text(), Contains("0x00001000 0x00002000 0x00003000 0x00004000\n"));
}

TEST_CASE("PUSHF: bt86 pushes the virtual IF, naive ring 3 leaks the host's IF=1", "[runtime]") {
  // Every Linux user process runs with IF=1 and IOPL=0: check that here, independently.
  const uint64_t native = own_rflags();
  REQUIRE((native & kFlagIF) != 0);
  REQUIRE((native & kFlagIOPL) == 0);

  Guest g;
  // pushfd (9c) with the guest's interrupts off: ZF PF set, IF clear.
  VcpuSnapshot before = at(0x100020), after = before;
  before.eflags = after.eflags = 0x046;
  after.gpr[4] = 0x7FFC;
  REQUIRE(g.mem.write(0x7FFC, 4, 0x046));
  CHECK(g.run({0x9c}, 0x100020, before, after) == Kind::Pushf);

  const auto& s = g.sample(Kind::Pushf);
  CHECK_THAT(s.gave, Contains("pushed 0x00000046 (virtual IF=0 IOPL=0)"));
  CHECK_THAT(s.naive, Contains("IF=1 IOPL=0"));
  CHECK_THAT(s.naive, Contains("pushes 0x00000246"));  // the guest's ZF PF, the host's IF
  CHECK(s.measured);
}

TEST_CASE("POPF: a request to clear IF is honoured by bt86 and dropped at CPL 3", "[runtime]") {
  Guest g;
  // popfd (9d): the guest had IF=1 and pops 0x3002 (IF=0, IOPL=3) at CPL 0.
  VcpuSnapshot before = at(0x100030), after = before;
  before.eflags = 0x202;
  after.eflags = 0x3002;
  after.gpr[4] = 0x8004;
  REQUIRE(g.mem.write(0x8000, 4, 0x3002));
  CHECK(g.run({0x9d}, 0x100030, before, after) == Kind::Popf);

  const auto& s = g.sample(Kind::Popf);
  CHECK_THAT(s.gave, Contains("popped 0x00003002 asking IF=0 IOPL=3"));
  CHECK_THAT(s.gave, Contains("IF=1 IOPL=0 -> IF=0 IOPL=3"));
  // SDM POPF: at CPL 3 with IOPL 0 neither IF nor IOPL changes, and nothing traps.
  CHECK_THAT(s.naive, Contains("no trap"));
  CHECK_THAT(s.naive, Contains("IF=1 IOPL=0"));
  CHECK_THAT(s.naive, Contains("silently dropped"));
  CHECK(s.measured);
  // The probe left this process's flags as they were.
  CHECK((own_rflags() & (kFlagIF | kFlagIOPL)) == kFlagIF);
}

TEST_CASE("PUSH CS: the guest's selector with its RPL, beside RPL 3 and the host's CS",
          "[runtime]") {
  uint16_t host_cs;
  asm volatile("movw %%cs, %0" : "=r"(host_cs));

  Guest g;
  // push cs (0e): 32-bit operand size, 16 bits written into the 4-byte slot.
  VcpuSnapshot before = at(0x100040), after = before;
  after.gpr[4] = 0x7FFC;
  REQUIRE(g.mem.write(0x7FFC, 4, 0xAAAA0008));
  CHECK(g.run({0x0e}, 0x100040, before, after) == Kind::PushSeg);

  const auto& s = g.sample(Kind::PushSeg);
  CHECK_THAT(s.gave, Contains("pushed CS 0x0008 (RPL 0 = the guest's CPL 0)"));
  CHECK_THAT(s.naive, Contains("0x000b"));  // 0x08 with RPL 3
  CHECK_THAT(s.naive, Contains(strfmt("CS = 0x%04x", host_cs)));
}

TEST_CASE("LAR: bt86 reads the guest's descriptor, naive LAR asks the host's GDT", "[runtime]") {
  // The host's answer for selector 0x10, taken independently.
  uint32_t sel = 0x10, rights = 0;
  uint8_t zf;
  asm volatile("lar %2, %0; setz %1" : "=r"(rights), "=q"(zf) : "r"(sel) : "cc");

  Guest g;
  // lar eax, ecx (0f 02 c1), ECX = 0x10: the guest's flat ring-0 code segment. SDM LAR: the
  // descriptor's second dword AND 0x00F0FF00, so 0x00C09B00, with ZF set.
  VcpuSnapshot before = at(0x100050), after = before;
  before.gpr[1] = after.gpr[1] = 0x10;
  after.gpr[0] = 0x00C09B00;
  after.eflags = before.eflags | kFlagZF;
  CHECK(g.run({0x0f, 0x02, 0xc1}, 0x100050, before, after) == Kind::Lar);

  const auto& s = g.sample(Kind::Lar);
  CHECK_THAT(s.gave, Contains("ZF=1, access rights 0x00c09b00"));
  CHECK_THAT(s.naive, Contains("for 0x0010"));
  CHECK_THAT(s.naive, Contains("the host's GDT entry 2"));
  if (zf)
    CHECK_THAT(s.naive, Contains(strfmt("ZF=1, access rights 0x%08x", rights)));
  else
    CHECK_THAT(s.naive, Contains("ZF=0"));
  CHECK(s.measured);
}

TEST_CASE("SMSW: the virtual CR0 beside what CPL 3 gets here", "[runtime]") {
  Guest g;
  // smsw eax (0f 01 e0): to a register, all of CR0's low 32 bits.
  VcpuSnapshot before = at(0x100060), after = before;
  before.cr0 = after.cr0 = 0x00000011;
  after.gpr[0] = 0x00000011;
  CHECK(g.run({0x0f, 0x01, 0xe0}, 0x100060, before, after) == Kind::Smsw);

  const auto& s = g.sample(Kind::Smsw);
  CHECK_THAT(s.gave, Contains("wrote 0x00000011"));
  const NativeResult& n = host_facts().smsw_reg;
  if (n.signal)
    CHECK_THAT(s.naive, Contains("faults"));
  else
    CHECK_THAT(s.naive, Contains(strfmt("writes 0x%08x", uint32_t(n.value))));
  // PE is set in any protected-mode host, whatever UMIP returns in its place.
  if (!n.signal) CHECK((n.value & 1) == 1);

  // smsw ax (66 0f 01 e0): a 16-bit destination, on both sides.
  VcpuSnapshot b16 = at(0x100064), a16 = b16;
  b16.gpr[0] = 0xDEAD0000;
  a16.gpr[0] = 0xDEAD0011;
  CHECK(g.run({0x66, 0x0f, 0x01, 0xe0}, 0x100064, b16, a16) == Kind::Smsw);
  const auto& s16 = g.sample(Kind::Smsw, 1);
  CHECK_THAT(s16.gave, Contains("wrote 0x0011"));
  if (!n.signal) CHECK_THAT(s16.naive, Contains(strfmt("writes 0x%04x ", uint32_t(n.value) & 0xFFFF)));
}

TEST_CASE("CPUID: the modeled CPU beside the host's", "[runtime]") {
  Guest g;
  // cpuid (0f a2), leaf 0
  VcpuSnapshot before = at(0x100070), after = before;
  CpuidResult r = cpuid(0, 0);
  after.gpr[0] = r.eax, after.gpr[3] = r.ebx, after.gpr[1] = r.ecx, after.gpr[2] = r.edx;
  CHECK(g.run({0x0f, 0xa2}, 0x100070, before, after) == Kind::Cpuid);

  const auto& s = g.sample(Kind::Cpuid);
  CHECK_THAT(s.gave, Contains("\"GenuineIntel\", max leaf 7"));  // docs/CPU.md
  CHECK_THAT(s.naive, Contains("\"" + vendor_of_this_cpu() + "\""));
  CHECK(s.measured);
  CHECK_THAT(g.report.text(), Contains("CpuModel"));
}

TEST_CASE("CLI: privileged, and measured to fault at CPL 3", "[runtime]") {
  Guest g;
  // cli (fa): virtual IF 1 -> 0.
  VcpuSnapshot before = at(0x100080), after = before;
  before.eflags = 0x202;
  after.eflags = 0x002;
  CHECK(g.run({0xfa}, 0x100080, before, after) == Kind::Cli);

  const auto& s = g.sample(Kind::Cli);
  CHECK_THAT(s.gave, Contains("virtual IF 1 -> 0"));
  // With IOPL 0 (every Linux process) CLI at CPL 3 is #GP, which Linux delivers as SIGSEGV.
  REQUIRE((own_rflags() & kFlagIOPL) == 0);
  CHECK(host_facts().cli.signal == SIGSEGV);
  CHECK_THAT(s.naive, Contains("SIGSEGV (#GP at CPL 3)"));
  CHECK(s.measured);
}

TEST_CASE("an instruction that did not complete is reported as such", "[runtime]") {
  Guest g;
  // smsw eax raising an exception: the monitor left EIP at the instruction.
  VcpuSnapshot before = at(0x100090);
  g.run({0x0f, 0x01, 0xe0}, 0x100090, before, before, /*completed=*/false);
  CHECK_THAT(g.sample(Kind::Smsw).gave, Contains("did not complete"));
}

TEST_CASE("innocuous rows are not reported", "[runtime]") {
  Guest g;
  VcpuSnapshot s = at(0x1000);
  // add eax, ebx (01 d8)
  CHECK(g.run({0x01, 0xd8}, 0x1000, s, s) == Kind::Copy);
  CHECK(g.report.count(Kind::Copy) == 0);
  CHECK_THAT(g.report.text(), Contains("executed no sensitive"));
  CHECK(valid_json(g.report.json()));
}

TEST_CASE("the text and the JSON name every observed kind", "[runtime]") {
  Guest g;
  VcpuSnapshot s = at(0x2000);
  s.eflags = 0x202;
  const std::initializer_list<uint8_t> programs[] = {
      {0x0f, 0x01, 0x03},  // sgdt [ebx]
      {0x9c},              // pushfd
      {0x9d},              // popfd
      {0x0e},              // push cs
      {0x0f, 0x02, 0xc1},  // lar eax, ecx
      {0x0f, 0x01, 0xe0},  // smsw eax
      {0x0f, 0xa2},        // cpuid
      {0xfa},              // cli
      {0x27},              // daa (Emulated)
  };
  uint32_t eip = 0x2000;
  std::vector<Kind> kinds;
  for (auto bytes : programs) {
    VcpuSnapshot b = s;
    b.eip = eip;
    kinds.push_back(g.run(bytes, eip, b, b));
    eip += 0x10;
  }
  const std::string text = g.report.text(), json = g.report.json();
  for (Kind k : kinds) {
    const char* name = translator::info(k).name;
    INFO(name);
    CHECK(g.report.count(k) == 1);
    CHECK_THAT(text, Contains(std::string("\n") + name + " "));
    CHECK_THAT(json, Contains(std::string("\"kind\": \"") + name + "\""));
  }
  CHECK_THAT(text, Contains("Emulated"));
  CHECK_THAT(text, Contains("why: "));
  CHECK_THAT(json, Contains("\"naive_ring3\""));
  CHECK_THAT(json, Contains("\"first_eips\": [8192]"));
  CHECK(valid_json(json));
}

TEST_CASE("probes put the process's own fault handler back", "[runtime]") {
  struct sigaction mine {}, seen {}, old {};
  mine.sa_handler = [](int) { _exit(99); };
  sigemptyset(&mine.sa_mask);
  REQUIRE(sigaction(SIGSEGV, &mine, &old) == 0);

  Guest g;
  VcpuSnapshot s = at(0x3000);
  s.gpr[1] = 0x10;
  g.run({0x0f, 0x02, 0xc1}, 0x3000, s, s);  // lar eax, ecx: probes LAR and a segment load
  (void)host_facts();

  REQUIRE(sigaction(SIGSEGV, &old, &seen) == 0);
  CHECK(seen.sa_handler == mine.sa_handler);
}

TEST_CASE("the report goes to FILE and its JSON to FILE.json", "[runtime]") {
  Guest g;
  VcpuSnapshot s = at(0x4000);
  g.run({0x9c}, 0x4000, s, s);

  char dir[] = "/tmp/bt86-report-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string file = std::string(dir) + "/run1";
  CHECK(sensitive_report_json_path(file) == file + ".json");
  REQUIRE(write_sensitive_report(g.report, file).has_value());

  auto slurp = [](const std::string& path) {
    std::string out;
    if (FILE* f = std::fopen(path.c_str(), "r")) {
      char buf[4096];
      size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
      std::fclose(f);
    }
    return out;
  };
  CHECK(slurp(file) == g.report.text());
  CHECK(slurp(file + ".json") == g.report.json());

  auto bad = write_sensitive_report(g.report, std::string(dir) + "/no/such/dir/r");
  REQUIRE_FALSE(bad.has_value());
  CHECK_THAT(bad.error().message, Contains("no/such/dir/r"));

  std::remove((file + ".json").c_str());
  std::remove(file.c_str());
  rmdir(dir);
}
