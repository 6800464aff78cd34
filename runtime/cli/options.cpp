// The bt86 command line: QEMU's option spelling, parsed into a Config.
#include "runtime/cli/options.h"

#include <array>
#include <string_view>

namespace bt86::cli {

namespace {

// ----- values -----

constexpr uint64_t kMiB = 1ull << 20;

// QEMU's size syntax (qemu_strtosz with a MiB default unit): digits, an optional fraction,
// an optional one-letter suffix B K M G T (either case). Returns bytes.
Result<uint64_t> parse_size_bytes(std::string_view s) {
  size_t i = 0;
  unsigned __int128 whole = 0, frac = 0, frac_scale = 1;
  size_t digits = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++digits) {
    if (digits >= 18) return fail("too large");
    whole = whole * 10 + static_cast<unsigned>(s[i] - '0');
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t frac_digits = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++frac_digits) {
      if (frac_digits >= 9) return fail("too many decimals");
      frac = frac * 10 + static_cast<unsigned>(s[i] - '0');
      frac_scale *= 10;
    }
    digits += frac_digits;
  }
  if (digits == 0) return fail("not a number");

  uint64_t unit = kMiB;
  if (i < s.size()) {
    switch (s[i]) {
      case 'b':
      case 'B':
        unit = 1;
        break;
      case 'k':
      case 'K':
        unit = 1ull << 10;
        break;
      case 'm':
      case 'M':
        unit = 1ull << 20;
        break;
      case 'g':
      case 'G':
        unit = 1ull << 30;
        break;
      case 't':
      case 'T':
        unit = 1ull << 40;
        break;
      default:
        return fail("unknown suffix '%c'", s[i]);
    }
    ++i;
  }
  if (i != s.size()) return fail("unexpected text after the size");

  unsigned __int128 scaled = (whole * frac_scale + frac) * unit;
  if (scaled % frac_scale != 0) return fail("not a whole number of bytes");
  unsigned __int128 bytes = scaled / frac_scale;
  if (bytes > (unsigned __int128)UINT64_MAX) return fail("too large");
  return static_cast<uint64_t>(bytes);
}

// A size in whole MiB within [lo, hi]; `opt` and `value` name the option in messages.
Result<uint32_t> parse_mib(const std::string& opt, const std::string& value, uint32_t lo,
                           uint32_t hi) {
  auto bytes = parse_size_bytes(value);
  if (!bytes) {
    return fail("%s '%s': %s (sizes are like 256, 256M or 1.5G; a plain number means MiB)",
                opt.c_str(), value.c_str(), bytes.error().message.c_str());
  }
  if (*bytes % kMiB != 0) {
    return fail("%s '%s': bt86 needs a whole number of MiB", opt.c_str(), value.c_str());
  }
  uint64_t mib = *bytes / kMiB;
  if (mib < lo || mib > hi) {
    return fail("%s '%s': out of range, give %u to %u MiB", opt.c_str(), value.c_str(), lo, hi);
  }
  return static_cast<uint32_t>(mib);
}

struct TraceItem {
  const char* name;
  uint32_t flag;
  const char* help;
};

constexpr std::array<TraceItem, 5> kTraceItems{{
    {"in_asm", kTraceInAsm, "guest code as it is translated"},
    {"out_asm", kTraceOutAsm, "host code emitted for it"},
    {"exec", kTraceExec, "every block entered from the dispatcher"},
    {"int", kTraceInt, "exceptions and interrupts delivered"},
    {"io", kTraceIo, "unclaimed I/O ports, once each"},
}};

std::string trace_names() {
  std::string names;
  for (const TraceItem& t : kTraceItems) {
    if (!names.empty()) names += ",";
    names += t.name;
  }
  return names;
}

// ----- the option table -----

enum class Arg {
  kNone,      // a switch: --verify-translations
  kRequired,  // -kernel FILE or -kernel=FILE
  kOptional,  // --stats or --stats=FILE (a value only after '=')
};

struct Option {
  const char* name;  // without dashes
  Arg arg;
  const char* metavar;  // for usage and "needs a value" messages
  const char* help;     // one line, with the QEMU spelling noted
  Result<void> (*apply)(ParsedArgs& out, const std::string& value, bool has_value);
};

Result<void> set_nonempty(std::string& field, const char* opt, const char* what,
                          const std::string& value) {
  if (value.empty()) return fail("option '%s' needs %s, not an empty string", opt, what);
  field = value;
  return {};
}

Result<void> set_trace(ParsedArgs& out, const std::string& v, const char* opt) {
  if (v == "help") {
    out.trace_help = true;
    return {};
  }
  auto flags = parse_trace_list(v);
  if (!flags) return fail("%s: %s", opt, flags.error().message.c_str());
  out.config.trace = *flags;  // like QEMU's -d, the last list given wins
  return {};
}

const std::array<Option, 17> kOptions{{
    {"kernel", Arg::kRequired, "FILE",
     "kernel to boot: a Linux bzImage or a Multiboot image (as QEMU's -kernel)",
     [](ParsedArgs& o, const std::string& v, bool) {
       return set_nonempty(o.config.kernel, "-kernel", "a file name", v);
     }},
    {"initrd", Arg::kRequired, "FILE", "initial ramdisk for a Linux kernel (as QEMU's -initrd)",
     [](ParsedArgs& o, const std::string& v, bool) {
       return set_nonempty(o.config.initrd, "-initrd", "a file name", v);
     }},
    {"append", Arg::kRequired, "STR", "kernel command line (as QEMU's -append)",
     [](ParsedArgs& o, const std::string& v, bool) -> Result<void> {
       o.config.append = v;
       return {};
     }},
    {"m", Arg::kRequired, "SIZE",
     "guest RAM: 128, 128M, 1G or size=1G; a plain number is MiB (as QEMU's -m)",
     [](ParsedArgs& o, const std::string& v, bool) -> Result<void> {
       auto mib = parse_ram_size(v);
       if (!mib) return std::unexpected(mib.error());
       o.config.ram_mib = *mib;
       return {};
     }},
    {"serial", Arg::kRequired, "DEV",
     "COM1 backend, again for COM2-4: stdio (Ctrl-A h: keys), file:PATH, unix:PATH[,server] "
     "or none (as QEMU's -serial)",
     [](ParsedArgs& o, const std::string& v, bool) -> Result<void> {
       // The backend parses the details (socket options) when it opens the device.
       const bool file = v.starts_with("file:");
       const bool unix_socket = v.starts_with("unix:");
       if (v != "stdio" && v != "none" && !file && !unix_socket) {
         return fail(
             "-serial '%s': bt86 supports -serial stdio, -serial file:PATH, "
             "-serial unix:PATH[,server] and -serial none",
             v.c_str());
       }
       if (file && v.size() == 5) return fail("-serial file: needs a path, as in file:PATH");
       if (unix_socket && (v.size() == 5 || v[5] == ','))
         return fail("-serial unix: needs a socket path, as in unix:PATH or unix:PATH,server");
       if (o.config.serial.size() == 4)
         return fail("-serial '%s': the PC has four serial ports, COM1-COM4, and four "
                     "-serial options were given already", v.c_str());
       for (const std::string& earlier : o.config.serial)
         if (v == "stdio" && earlier == "stdio")
           return fail("-serial stdio: only one serial port can use the terminal");
       o.config.serial.push_back(v);
       return {};
     }},
    {"D", Arg::kRequired, "LOGFILE", "write trace output to LOGFILE, not stderr (as QEMU's -D)",
     [](ParsedArgs& o, const std::string& v, bool) {
       return set_nonempty(o.config.log_file, "-D", "a file name", v);
     }},
    {"d", Arg::kRequired, "LIST",
     "trace in_asm,out_asm,exec,int,io; '-d help' lists them (as QEMU's -d)",
     [](ParsedArgs& o, const std::string& v, bool) { return set_trace(o, v, "-d"); }},
    {"trace", Arg::kRequired, "LIST",
     "the same as -d (bt86 only: QEMU's -trace selects trace events)",
     [](ParsedArgs& o, const std::string& v, bool) { return set_trace(o, v, "--trace"); }},
    {"stats", Arg::kOptional, "[=FILE.json]",
     "print statistics at exit; also write them as JSON to FILE.json (bt86 only)",
     [](ParsedArgs& o, const std::string& v, bool has_value) -> Result<void> {
       if (has_value && v.empty())
         return fail("--stats=: needs a file name, as in --stats=FILE.json");
       o.config.stats = true;
       o.config.stats_json = v;
       return {};
     }},
    {"sensitive-report", Arg::kOptional, "[=FILE]",
     "sensitive instructions run, at exit: text to stderr or FILE, JSON to FILE.json (bt86 only)",
     [](ParsedArgs& o, const std::string& v, bool has_value) -> Result<void> {
       if (has_value && v.empty())
         return fail("--sensitive-report=: needs a file name, as in --sensitive-report=FILE");
       o.config.sensitive_report = true;
       o.config.sensitive_report_file = v;
       return {};
     }},
    {"verify-translations", Arg::kNone, "",
     "check every translated block against the confinement rules (bt86 only)",
     [](ParsedArgs& o, const std::string&, bool) -> Result<void> {
       o.config.verify_translations = true;
       return {};
     }},
    {"tc-size", Arg::kRequired, "MiB",
     "translation cache size, 1 to 1024 MiB (bt86 only; like "
     "QEMU's -accel tcg,tb-size=)",
     [](ParsedArgs& o, const std::string& v, bool) -> Result<void> {
       auto mib = parse_mib("--tc-size", v, 1, 1024);
       if (!mib) return std::unexpected(mib.error());
       o.config.tc_mib = *mib;
       return {};
     }},
    {"no-reboot", Arg::kNone, "",
     "end the VM when the guest resets the CPU; bt86 always does (as QEMU's -no-reboot)",
     [](ParsedArgs&, const std::string&, bool) -> Result<void> { return {}; }},
    {"nographic", Arg::kNone, "",
     "accepted for QEMU command lines; bt86 has no display, COM1 is the console",
     [](ParsedArgs&, const std::string&, bool) -> Result<void> { return {}; }},
    {"h", Arg::kNone, "", "print this help and exit (as QEMU's -h)",
     [](ParsedArgs& o, const std::string&, bool) -> Result<void> {
       o.help = true;
       return {};
     }},
    {"help", Arg::kNone, "", "the same as -h (as QEMU's -help)",
     [](ParsedArgs& o, const std::string&, bool) -> Result<void> {
       o.help = true;
       return {};
     }},
    {"version", Arg::kNone, "", "print the version and exit (as QEMU's -version)",
     [](ParsedArgs& o, const std::string&, bool) -> Result<void> {
       o.version = true;
       return {};
     }},
}};

const Option* find_option(std::string_view name) {
  for (const Option& o : kOptions) {
    if (name == o.name) return &o;
  }
  return nullptr;
}

}  // namespace

Result<uint32_t> parse_ram_size(const std::string& value) {
  std::string v = value;
  if (v.starts_with("size=")) v = v.substr(5);
  if (v.find(',') != std::string::npos) {
    return fail("-m '%s': bt86 takes only a size (no slots= or maxmem=: no memory hotplug)",
                value.c_str());
  }
  if (v.find('=') != std::string::npos) {
    return fail("-m '%s': unknown key (bt86 accepts -m SIZE or -m size=SIZE)", value.c_str());
  }
  return parse_mib("-m", v, layout::kMinRamMiB, layout::kMaxRamMiB);
}

Result<uint32_t> parse_trace_list(const std::string& value) {
  uint32_t flags = 0;
  size_t start = 0;
  for (;;) {
    size_t comma = value.find(',', start);
    std::string item = value.substr(start, comma == std::string::npos ? comma : comma - start);
    if (item.empty()) {
      return fail("empty item in trace list '%s' (valid items: %s)", value.c_str(),
                  trace_names().c_str());
    }
    uint32_t flag = 0;
    for (const TraceItem& t : kTraceItems) {
      if (item == t.name) flag = t.flag;
    }
    if (flag == 0) {
      return fail("unknown trace item '%s' (valid items: %s)", item.c_str(), trace_names().c_str());
    }
    flags |= flag;
    if (comma == std::string::npos) return flags;
    start = comma + 1;
  }
}

Result<ParsedArgs> parse_args(int argc, const char* const* argv) {
  ParsedArgs out;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.size() < 2 || arg[0] != '-') {
      return fail("unexpected argument '%s': give the kernel as -kernel FILE (see bt86 --help)",
                  arg.c_str());
    }
    size_t dashes = arg[1] == '-' ? 2 : 1;
    std::string name = arg.substr(dashes);
    std::string value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      has_value = true;
    }
    std::string spelled = arg.substr(0, dashes) + name;

    const Option* opt = find_option(name);
    if (opt == nullptr) return fail("unknown option '%s' (see bt86 --help)", spelled.c_str());
    switch (opt->arg) {
      case Arg::kNone:
        if (has_value) return fail("option '%s' takes no value", spelled.c_str());
        break;
      case Arg::kRequired:
        if (!has_value) {
          if (i + 1 >= argc) {
            return fail("option '%s' needs a value (%s %s)", spelled.c_str(), spelled.c_str(),
                        opt->metavar);
          }
          value = argv[++i];
          has_value = true;
        }
        break;
      case Arg::kOptional:
        break;
    }
    if (auto ok = opt->apply(out, value, has_value); !ok) return std::unexpected(ok.error());
    // As in QEMU, help and version act at once: later arguments are not looked at.
    if (out.help || out.version || out.trace_help) return out;
  }
  if (out.config.kernel.empty()) return fail("no kernel given: use -kernel FILE (see bt86 --help)");
  return out;
}

std::string usage_text() {
  std::string text =
      "Usage: bt86 -kernel FILE [options]\n"
      "Runs a 32-bit x86 kernel (Linux bzImage or Multiboot) by binary translation.\n"
      "Options may be spelled -opt or --opt; a value may follow as the next argument or as "
      "-opt=value.\n\n";
  for (const Option& o : kOptions) {
    // QEMU's options in QEMU's single-dash spelling, bt86's own with two dashes.
    bool ours = std::string_view(o.help).find("bt86 only") != std::string_view::npos;
    std::string left = std::string(ours ? "--" : "-") + o.name;
    if (o.arg == Arg::kRequired) left += std::string(" ") + o.metavar;
    if (o.arg == Arg::kOptional) left += o.metavar;
    if (left.size() < 24)
      left.resize(24, ' ');
    else
      left += " ";
    text += "  " + left + o.help + "\n";
  }
  return text;
}

std::string version_text() {
#ifdef BT86_VERSION
  return std::string("bt86 version ") + BT86_VERSION + "\n";
#else
  return "bt86 (unknown version)\n";
#endif
}

std::string trace_help_text() {
  std::string text = "Trace items for -d and --trace (comma-separated):\n";
  for (const TraceItem& t : kTraceItems) {
    std::string name = t.name;
    name.resize(10, ' ');
    text += "  " + name + t.help + "\n";
  }
  return text;
}

}  // namespace bt86::cli
