// The bt86 command: parse the command line, load the kernel, wire the PC, run, report.
#include <x86intrin.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>

#include "runtime/boot/image_file.h"
#include "runtime/boot/linux_boot.h"
#include "runtime/boot/multiboot.h"
#include "runtime/cli/options.h"
#include "runtime/machine.h"
#include "runtime/pc_wiring.h"
#include "runtime/sensitive_report.h"

using namespace bt86;

namespace {

int usage_error(const std::string& message) {
  std::fprintf(stderr, "bt86: %s\n", message.c_str());
  return runtime::kStatusUsage;
}

// Trace output goes to -D LOGFILE, or to stderr.
FILE* open_log(const cli::Config& c) {
  if (c.log_file.empty()) return stderr;
  FILE* f = std::fopen(c.log_file.c_str(), "w");
  return f;
}

bool write_file(const std::string& path, const std::string& text) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return false;
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  return std::fclose(f) == 0 && ok;
}

// What the kernel's first instruction sees, whichever boot protocol loaded it.
struct KernelEntry {
  uint32_t entry = 0, eax = 0, ebx = 0, esi = 0;
  std::vector<std::string> warnings;
  bool linux_selectors = false;  // the 32-bit boot protocol's __BOOT_CS 0x10, __BOOT_DS 0x18
};

// A Linux bzImage by its setup header, anything else as Multiboot.
Result<KernelEntry> load_kernel(std::span<const uint8_t> image, mmu::GuestRam& ram,
                                const cli::Config& config) {
  if (boot::is_linux_image(image)) {
    std::vector<uint8_t> initrd;
    if (!config.initrd.empty()) {
      auto file = boot::read_image(config.initrd, "initrd");
      if (!file) return std::unexpected(file.error());
      initrd = std::move(*file);
    }
    auto kernel = boot::load_linux(image, initrd, ram, config.append);
    if (!kernel) return fail("%s: %s", config.kernel.c_str(), kernel.error().message.c_str());
    return KernelEntry{kernel->entry, 0, 0, kernel->esi, kernel->warnings, true};
  }
  if (!config.initrd.empty())
    return fail("%s: -initrd is for Linux kernels; this is not a bzImage, and Multiboot "
                "modules are not supported", config.kernel.c_str());
  auto mb = boot::load_multiboot(image, ram, config.kernel, config.append);
  if (!mb) return fail("%s: %s", config.kernel.c_str(), mb.error().message.c_str());
  return KernelEntry{mb->entry, mb->eax, mb->ebx, 0, mb->warnings};
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = cli::parse_args(argc, argv);
  if (!parsed) return usage_error(parsed.error().message);
  if (parsed->help) {
    std::fputs(cli::usage_text().c_str(), stdout);
    return 0;
  }
  if (parsed->version) {
    std::fputs(cli::version_text().c_str(), stdout);
    return 0;
  }
  if (parsed->trace_help) {
    std::fputs(cli::trace_help_text().c_str(), stdout);
    return 0;
  }
  const cli::Config& config = parsed->config;

  auto image = boot::read_image(config.kernel);
  if (!image) {
    std::fprintf(stderr, "bt86: %s\n", image.error().message.c_str());
    return runtime::kStatusBadImage;
  }
  FILE* log = open_log(config);
  if (!log) return usage_error("cannot open log file '" + config.log_file + "': " + std::strerror(errno));

  runtime::MachineOptions opt;
  opt.ram_mib = config.ram_mib;
  opt.tc_mib = config.tc_mib;
  opt.translate.verify = config.verify_translations;
  opt.translate.count = config.stats;
  opt.time_monitor = config.stats;
  if (config.trace & cli::kTraceInAsm) opt.translate.trace_in_asm = log;
  if (config.trace & cli::kTraceOutAsm) opt.translate.trace_out_asm = log;
  if (config.trace & cli::kTraceExec) opt.trace_exec = log;
  if (config.trace & cli::kTraceInt) opt.trace_int = log;
  // The report sees what the monitor performs: with it on, nothing sensitive runs inline.
  runtime::SensitiveReport sensitive_report;
  if (config.sensitive_report) {
    opt.sensitive_report = &sensitive_report;
    opt.translate.inline_sensitive = false;
  }

  auto machine = runtime::Machine::create(opt);
  if (!machine) {
    std::fprintf(stderr, "bt86: %s\n", machine.error().message.c_str());
    return 71;  // EX_OSERR: the host could not provide what the VM needs
  }
  runtime::Machine& m = **machine;

  auto boot = load_kernel(*image, m.ram(), config);
  if (!boot) {
    std::fprintf(stderr, "bt86: %s\n", boot.error().message.c_str());
    return runtime::kStatusBadImage;
  }
  for (const std::string& w : boot->warnings) std::fprintf(stderr, "bt86: warning: %s\n", w.c_str());

  auto pc = runtime::wire_pc_devices(m, config);
  if (!pc) return usage_error(pc.error().message);
  if (config.trace & cli::kTraceIo)
    m.ports().set_unclaimed_hook([log](uint16_t port, bool is_write) {
      std::fprintf(log, "io: unclaimed port 0x%04x %s\n", port, is_write ? "write" : "read");
    });

  m.reset_protected_mode(boot->entry);
  m.vcpu().gpr[0] = boot->eax;
  m.vcpu().gpr[3] = boot->ebx;
  m.vcpu().gpr[6] = boot->esi;
  if (boot->linux_selectors) {
    for (runtime::Segment& s : m.vcpu().seg) s.selector = 0x18;
    m.vcpu().seg[runtime::kCS].selector = 0x10;
  }

  auto t0 = std::chrono::steady_clock::now();
  uint64_t c0 = __rdtsc();
  runtime::StopInfo stop = m.run();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double tsc_hz = seconds > 0 ? double(__rdtsc() - c0) / seconds : 1e9;
  for (auto& backend : pc->serial_backends) backend->flush();

  if (stop.kind != runtime::StopKind::kDebugExit || config.stats)
    std::fprintf(stderr, "bt86: %s\n", stop.message.c_str());
  if (config.stats) {
    runtime::Stats& s = m.stats();
    s.dyn_indirect = m.vcpu().count_indirect;
    s.dyn_direct = m.vcpu().count_entries;
    runtime::print_stats(stderr, s, m.tc().stats(), m.shadow().stats(), tsc_hz);
    if (!config.stats_json.empty() &&
        !write_file(config.stats_json, runtime::stats_json(s, m.tc().stats(), m.shadow().stats(), tsc_hz)))
      std::fprintf(stderr, "bt86: cannot write %s: %s\n", config.stats_json.c_str(),
                   std::strerror(errno));
  }
  if (config.sensitive_report) {
    auto written = runtime::write_sensitive_report(sensitive_report, config.sensitive_report_file);
    if (!written) std::fprintf(stderr, "bt86: %s\n", written.error().message.c_str());
  }
  if (log != stderr) std::fclose(log);
  return stop.status;
}
