// --sensitive-report output: the report as text and as JSON, and writing both at exit.
#include "runtime/sensitive_report.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "runtime/host_probes.h"

namespace bt86::runtime {

using translator::InsnClass;
using translator::Kind;

namespace {

using report_format::hex;
using report_format::if_iopl;

// One line on why the row matters, for the report.
const char* why(Kind k) {
  switch (k) {
    case Kind::Sgdt:
    case Kind::Sidt:
      return "Unprivileged on every pre-UMIP CPU: a deprivileged guest reads the host's table "
             "register (or UMIP's stand-in), cannot find its own GDT/IDT, and without UMIP the "
             "host kernel's addresses leak.";
    case Kind::Sldt:
    case Kind::Str:
      return "Unprivileged: the guest sees the host's LDT/TSS selector instead of the one it "
             "loaded.";
    case Kind::Smsw:
      return "Unprivileged: the guest reads the host's CR0 bits (PE MP EM TS ET NE), not the "
             "ones it set, e.g. TS for lazy FPU switching.";
    case Kind::Pushf:
      return "Robin & Irvine's first example: a kernel saving its interrupt state reads IF=1 "
             "from the host while it believes interrupts are off.";
    case Kind::Popf:
      return "POPF at CPL 3 drops IF and IOPL without trapping: the monitor never learns that "
             "the guest disabled or re-enabled interrupts.";
    case Kind::Iret:
      return "Privileged only when it changes rings: IRET to the same ring at CPL 3 silently "
             "ignores IF and IOPL, as POPF does.";
    case Kind::Lar:
    case Kind::Lsl:
    case Kind::Verr:
    case Kind::Verw:
      return "Unprivileged: answered from the host's GDT/LDT at CPL 3, so the guest gets wrong "
             "answers and learns the host's descriptor layout.";
    case Kind::PushSeg:
    case Kind::MovFromSeg:
      return "The selector's RPL is the CPL: a deprivileged kernel sees RPL 3 and can tell it "
             "is not in ring 0.";
    case Kind::PopSeg:
    case Kind::MovToSeg:
    case Kind::LoadFarPtr:
      return "Segment loads are checked at CPL 3 against the host's tables: the guest's ring-0 "
             "selectors fault or name host segments.";
    case Kind::CallFar:
    case Kind::JmpFar:
    case Kind::RetFar:
      return "Far transfers compare selectors with CPL 3 and use the host's tables: returns to "
             "the guest's ring 0 fault, calls through its gates are not seen.";
    case Kind::Int:
    case Kind::Int3:
    case Kind::Into:
      return "Software interrupts go to the host kernel, not to the guest's IDT.";
    case Kind::Cpuid:
      return "Not a trap-and-emulate hole but a CPU-model one: natively the guest sees the "
             "host's CPU and features the monitor does not support.";
    case Kind::Rdtsc:
    case Kind::Rdtscp:
      return "Time and CPU identity come from the host; the modeled CPU decides what the "
             "guest may see.";
    case Kind::Sysenter:
      return "Natively a host system call: the guest kernel's fast system-call entry must be "
             "emulated.";
    default: break;
  }
  switch (translator::info(k).cls) {
    case InsnClass::Privileged:
      return "Traps at CPL 3, so classic trap-and-emulate handles it; bt86 calls the monitor "
             "directly instead of taking a host signal.";
    case InsnClass::Emulated:
      return "Not sensitive: emulated only because its encoding is invalid in 64-bit mode.";
    default: return "";
  }
}

const char* class_name(InsnClass c) {
  switch (c) {
    case InsnClass::Innocuous: return "Innocuous";
    case InsnClass::Emulated: return "Emulated";
    case InsnClass::Privileged: return "Privileged";
    case InsnClass::Sensitive: return "Sensitive";
    case InsnClass::CpuModel: return "CpuModel";
  }
  return "?";
}

// Report order: the trap-and-emulate holes first.
int class_rank(InsnClass c) {
  switch (c) {
    case InsnClass::Sensitive: return 0;
    case InsnClass::Privileged: return 1;
    case InsnClass::CpuModel: return 2;
    default: return 3;
  }
}

std::vector<Kind> observed_kinds(const std::array<SensitiveReport::Entry, size_t(Kind::Count)>& e) {
  std::vector<Kind> kinds;
  for (size_t k = 0; k < e.size(); ++k)
    if (e[k].count) kinds.push_back(Kind(k));
  std::stable_sort(kinds.begin(), kinds.end(), [](Kind a, Kind b) {
    return class_rank(translator::info(a).cls) < class_rank(translator::info(b).cls);
  });
  return kinds;
}

// Appends `lead` + `text` wrapped at 100 columns, continuation lines indented to match.
void wrap(std::string& out, const std::string& lead, const std::string& text) {
  const std::string hang(lead.size(), ' ');
  out += lead;
  size_t col = lead.size(), i = 0;
  bool line_empty = true;
  while (i < text.size()) {
    size_t sp = text.find(' ', i);
    std::string word = text.substr(i, sp == std::string::npos ? std::string::npos : sp - i);
    i = sp == std::string::npos ? text.size() : sp + 1;
    if (!line_empty && col + 1 + word.size() > 100) {
      out += "\n" + hang;
      col = hang.size();
    } else if (!line_empty) {
      out += ' ';
      ++col;
    }
    out += word;
    col += word.size();
    line_empty = false;
  }
  out += '\n';
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += char(c);
    else if (c < 0x20) out += strfmt("\\u%04x", c);
    else out += char(c);
  }
  return out + "\"";
}

std::string host_line(const HostFacts& h) {
  return strfmt("%s, CPUID signature %s, UMIP %s; a ring-3 process runs with RFLAGS %s (%s) and "
                "CS=%s SS=%s DS=%s ES=%s FS=%s GS=%s",
                h.vendor, hex(h.signature).c_str(), h.umip ? "present" : "absent",
                hex(uint32_t(h.rflags)).c_str(), if_iopl(h.rflags).c_str(),
                hex(h.sel[kCS], 4).c_str(), hex(h.sel[kSS], 4).c_str(), hex(h.sel[kDS], 4).c_str(),
                hex(h.sel[kES], 4).c_str(), hex(h.sel[kFS], 4).c_str(), hex(h.sel[kGS], 4).c_str());
}

}  // namespace

std::string SensitiveReport::text() const {
  std::string out = "bt86 sensitive-instruction report\n";
  std::vector<Kind> kinds = observed_kinds(entries_);
  if (kinds.empty()) {
    return out + "The guest executed no sensitive, privileged, CPU-model or emulated "
                 "instruction.\n";
  }
  wrap(out, "",
       "For each kind of instruction the monitor performed: how often, where first, what bt86 "
       "gave the guest, and what the same instruction does when run directly at CPL 3 on this "
       "host, as a guest kernel deprivileged without translation would run it ([measured]: "
       "executed here; [SDM]: stated from the architecture). See docs/SENSITIVE_REPORT.md.");
  wrap(out, "", "Host: " + host_line(host_facts()) + ".");
  out += "\nkind          class         count  first EIPs\n";
  for (Kind k : kinds) {
    const Entry& e = entry(k);
    std::string line = strfmt("%-13s %-11s %7llu ", translator::info(k).name,
                              class_name(translator::info(k).cls), (unsigned long long)e.count);
    for (const Sample& s : e.samples) line += " " + hex(s.eip);
    out += line + "\n";
  }
  for (Kind k : kinds) {
    const Entry& e = entry(k);
    const translator::KindInfo& row = translator::info(k);
    out += strfmt("\n%s (%s, %llu executed): bt86: %s\n", row.name, class_name(row.cls),
                  (unsigned long long)e.count, row.what);
    wrap(out, "  why: ", why(k));
    for (const Sample& s : e.samples) {
      out += strfmt("  %s  %s\n", hex(s.eip).c_str(), s.insn.c_str());
      wrap(out, "      bt86 gave:    ", s.gave);
      wrap(out, "      naive ring 3: ", s.naive + (s.measured ? " [measured]" : " [SDM]"));
    }
  }
  return out;
}

std::string SensitiveReport::json() const {
  const HostFacts& h = host_facts();
  std::string j = "{\n  \"report\": \"bt86 sensitive-instruction report\",\n";
  j += strfmt("  \"host\": {\"vendor\": %s, \"signature\": %u, \"umip\": %s, \"rflags\": %llu, "
              "\"description\": %s},\n",
              json_string(h.vendor).c_str(), h.signature, h.umip ? "true" : "false",
              (unsigned long long)h.rflags, json_string(host_line(h)).c_str());
  j += "  \"kinds\": [";
  bool first = true;
  for (Kind k : observed_kinds(entries_)) {
    const Entry& e = entry(k);
    const translator::KindInfo& row = translator::info(k);
    j += first ? "\n" : ",\n";
    first = false;
    j += strfmt("    {\"kind\": %s, \"class\": %s, \"count\": %llu, \"what\": %s, \"why\": %s,\n",
                json_string(row.name).c_str(), json_string(class_name(row.cls)).c_str(),
                (unsigned long long)e.count, json_string(row.what).c_str(),
                json_string(why(k)).c_str());
    j += "     \"first_eips\": [";
    for (size_t i = 0; i < e.samples.size(); ++i)
      j += strfmt("%s%u", i ? ", " : "", e.samples[i].eip);
    j += "],\n     \"samples\": [";
    for (size_t i = 0; i < e.samples.size(); ++i) {
      const Sample& s = e.samples[i];
      j += strfmt("%s\n       {\"eip\": %u, \"insn\": %s, \"bt86_gave\": %s, \"naive_ring3\": %s, "
                  "\"naive_measured\": %s}",
                  i ? "," : "", s.eip, json_string(s.insn).c_str(), json_string(s.gave).c_str(),
                  json_string(s.naive).c_str(), s.measured ? "true" : "false");
    }
    j += "]}";
  }
  j += first ? "]\n}\n" : "\n  ]\n}\n";
  return j;
}

std::string sensitive_report_json_path(const std::string& file) { return file + ".json"; }

namespace {

Result<void> write_text_file(const std::string& path, const std::string& text) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return fail("cannot write %s: %s", path.c_str(), std::strerror(errno));
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !ok) return fail("cannot write %s: %s", path.c_str(), std::strerror(errno));
  return {};
}

}  // namespace

Result<void> write_sensitive_report(const SensitiveReport& report, const std::string& file) {
  if (file.empty()) {
    std::fputs(report.text().c_str(), stderr);
    return {};
  }
  if (auto ok = write_text_file(file, report.text()); !ok) return ok;
  return write_text_file(sensitive_report_json_path(file), report.json());
}

}  // namespace bt86::runtime
