// The bt86 command line: QEMU's option spelling, parsed into a Config.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"
#include "runtime/cli/config.h"

namespace bt86::cli {

struct ParsedArgs {
  Config config;
  bool help = false;        // -h, -help, --help: print usage_text() and exit 0
  bool version = false;     // -version, --version: print version_text() and exit 0
  bool trace_help = false;  // -d help: print trace_help_text() and exit 0
};

// Parses argv[1..argc). Like QEMU, every option may be spelled -opt or --opt, and a value is
// given as the next argument or, for options that take one, as -opt=value. Options are read
// in order and a later one overrides an earlier one; -h and --version stop parsing there.
Result<ParsedArgs> parse_args(int argc, const char* const* argv);

// Parses a -m value: QEMU's size syntax (plain number = MiB; suffixes K, M, G, T; fractions
// such as 1.5G; the form size=256M), checked against layout::kMinRamMiB..kMaxRamMiB.
Result<uint32_t> parse_ram_size(const std::string& value);

// Parses a comma-separated -d / --trace list into TraceFlags bits.
Result<uint32_t> parse_trace_list(const std::string& value);

std::string usage_text();
std::string version_text();
std::string trace_help_text();

}  // namespace bt86::cli
