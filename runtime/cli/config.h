// Everything the command line decides about one run of bt86.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/layout.h"

namespace bt86::cli {

// --trace categories, QEMU's -d spelling where QEMU has one.
enum TraceFlags : uint32_t {
  kTraceInAsm = 1u << 0,   // guest code as it is translated (Capstone)
  kTraceOutAsm = 1u << 1,  // host code emitted for it
  kTraceExec = 1u << 2,    // every block entered from the dispatcher
  kTraceInt = 1u << 3,     // exceptions and interrupts delivered
  kTraceIo = 1u << 4,      // unclaimed ports, once each
};

struct Config {
  std::string kernel;                           // -kernel FILE (required)
  uint32_t ram_mib = layout::kDefaultRamMiB;    // -m MiB
  std::string initrd;                           // -initrd FILE (Linux kernels only)
  std::string append;                           // -append STR
  // -serial, once per port in order COM1..COM4 (QEMU's rule); none given: COM1 on stdio.
  std::vector<std::string> serial;
  bool stats = false;                           // --stats[=FILE.json]
  std::string stats_json;                       //   empty: human summary only
  bool sensitive_report = false;                // --sensitive-report[=FILE]
  std::string sensitive_report_file;            //   empty: text to stderr; else FILE + FILE.json
  uint32_t trace = 0;                           // --trace a,b,c
  std::string log_file;                         // -D LOGFILE (trace output; default stderr)
  bool verify_translations = false;             // --verify-translations
  uint32_t tc_mib = 64;                         // --tc-size MiB
};

}  // namespace bt86::cli
