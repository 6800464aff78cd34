// One virtual machine: RAM, window, vCPU, translation cache, port bus; runs until stopped.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "devices/clock.h"
#include "devices/irq.h"
#include "devices/machine_control.h"
#include "devices/port_bus.h"
#include "mmu/guest_ram.h"
#include "mmu/shadow.h"
#include "mmu/window.h"
#include "runtime/glue.h"
#include "runtime/guest_memory.h"
#include "runtime/host_clock.h"
#include "runtime/host_timer.h"
#include "runtime/stats.h"
#include "runtime/vcpu.h"
#include "translator/tcache.h"
#include "translator/translate.h"

namespace bt86::runtime {

class SensitiveReport;

struct MachineOptions {
  uint32_t ram_mib = 128;
  uint32_t tc_mib = 64;
  translator::TranslateOptions translate;
  // Tests: stop at the first guest exception instead of delivering it through the IDT, and
  // report an access to absent memory as the #PF (14) a host process would see there.
  bool stop_on_exception = false;
  // --stats: time monitor calls. Two RDTSCs (~40 ticks each on AMD) per exit otherwise.
  bool time_monitor = false;
  FILE* trace_exec = nullptr;
  FILE* trace_int = nullptr;
  // --sensitive-report: the monitor feeds every Monitor row it performs to this report.
  SensitiveReport* sensitive_report = nullptr;
};

enum class StopKind {
  kRunning,
  kDebugExit,    // the guest wrote isa-debug-exit (or a device asked to stop)
  kHalted,       // HLT with IF=0: nothing can ever wake the CPU
  kTripleFault,  // exception delivery failed twice
  kReset,        // the guest reset the CPU (keyboard controller, port 0x92)
  kGuestError,   // the guest did something bt86 cannot do or cannot allow
  kException,    // stop_on_exception: the first exception
};

struct StopInfo {
  StopKind kind = StopKind::kRunning;
  int status = 0;
  std::string message;
  uint32_t eip = 0;
  int vector = -1;
  uint32_t error_code = 0;
};

// Process exit statuses that are not the guest's own isa-debug-exit value.
inline constexpr int kStatusHalted = 0;
inline constexpr int kStatusGuestError = 2;
inline constexpr int kStatusUsage = 64;
inline constexpr int kStatusBadImage = 65;

class Machine : public devices::MachineControl {
 public:
  static Result<std::unique_ptr<Machine>> create(const MachineOptions& opt);
  ~Machine() override;

  mmu::GuestRam& ram() { return ram_; }
  VcpuState& vcpu() { return *vcpu_; }
  devices::PortBus& ports() { return ports_; }
  translator::TCache& tc() { return *tc_; }
  translator::Translator& translator() { return *translator_; }
  GuestMemory& mem() { return mem_; }
  Stats& stats() { return stats_; }
  const MachineOptions& options() const { return opt_; }
  const Glue& glue() const { return glue_; }
  // The identity window (paging off); tests shape it directly.
  mmu::Window& window() { return shadow_->identity(); }
  mmu::Shadow& shadow() { return *shadow_; }
  // After a write to CR0, CR3 or CR4: the shadow windows and the inline lookup table
  // follow the new paging state.
  void paging_changed();
  void invlpg(uint32_t linear);

  // Flat 32-bit protected mode at CPL 0, paging off, as Multiboot and the Linux 32-bit boot
  // protocol leave the CPU.
  void reset_protected_mode(uint32_t eip);
  // x87/SSE state as after FNINIT with MXCSR at its reset value.
  void reset_extended_state();
  // Devices owned by the machine (wired in runtime/pc_wiring.cpp).
  template <typename T>
  T* own(std::unique_ptr<T> dev) {
    T* p = dev.get();
    devices_.push_back(std::shared_ptr<void>(std::move(dev)));
    return p;
  }

  // The platform around the CPU (wired in runtime/pc_wiring.cpp; runtime/interrupts.cpp):
  // the interrupt controller whose INTR the CPU samples, devices with deadlines, and host
  // file descriptors whose input wakes a halted CPU.
  void set_interrupt_controller(devices::InterruptController* ic) { intc_ = ic; }
  // The controller calls this whenever INTR changes; inline STI reads the mirror.
  void set_intr(bool level) { vcpu().intr = level; }
  void add_timed_device(devices::TimedDevice* d) {
    timed_.push_back(d);
    deadline_accesses_ = ~0ull;
  }
  // `fd` is asked each time (a backend's descriptor may change or go away: -1).
  void add_input(std::function<int()> fd, std::function<void()> on_ready) {
    inputs_.push_back({std::move(fd), std::move(on_ready)});
  }
  // Runs before the CPU sleeps in HLT and on every host timer tick (console output that
  // waits for a newline is flushed there: an interactive prompt has none).
  void add_idle_hook(std::function<void()> hook) { idle_hooks_.push_back(std::move(hook)); }
  const devices::Clock& clock() const { return clock_; }

  StopInfo run();
  // The translation mode for the current control registers.
  translator::ModeKey mode(bool one_shot = false) const;

  // MachineControl: a device asks the VM to stop.
  void request_stop(int status, std::string reason) override;
  void request_reset(std::string reason) override;
  void stop(StopKind kind, int status, std::string message);
  bool stopped() const { return stop_.kind != StopKind::kRunning; }

  // Delivers (or, in tests, reports) a guest exception at vcpu().eip.
  void raise(int vector, bool has_error = false, uint32_t error = 0);
  // The instruction at vcpu().eip, for messages: "mov eax, [ebx] (8b 03)".
  std::string describe_insn_at(uint32_t eip);

 private:
  Machine(mmu::GuestRam ram, const MachineOptions& opt);
  void handle_fault();
  void save_x87_state();  // the FPU's guest x87 state into vcpu.guest_fx, at the end of run()
  translator::Block* block_for(uint32_t eip, bool one_shot);
  void on_guest_write(uint32_t gpa, size_t len);
  // Between blocks: advance devices whose deadlines passed, take an external interrupt if
  // IF and the shadows allow. False while the CPU stays halted (after waiting for an event).
  bool accept_events();
  void advance_devices(uint64_t now);
  uint64_t next_deadline() const;
  // Sleeps in ppoll() until the next deadline or host input; timeout_ns 0 polls.
  void wait_for_input(uint64_t timeout_ns);

  MachineOptions opt_;
  mmu::GuestRam ram_;
  std::unique_ptr<mmu::Shadow> shadow_;
  std::unique_ptr<VcpuState, void (*)(VcpuState*)> vcpu_;
  std::unique_ptr<translator::TCache> tc_;
  std::unique_ptr<translator::Translator> translator_;
  Glue glue_;
  GuestMemory mem_;
  devices::PortBus ports_;
  std::vector<std::shared_ptr<void>> devices_;  // any device type; destroyed with the machine
  Stats stats_;
  StopInfo stop_;
  bool next_one_shot_ = false;
  HostClock clock_;
  devices::InterruptController* intc_ = nullptr;
  std::vector<devices::TimedDevice*> timed_;
  // The earliest device deadline, valid while the port bus's access count is
  // deadline_accesses_ (every exit asks; a virtual call per device was 4% of a system call).
  uint64_t earliest_deadline_ = 0;
  uint64_t deadline_accesses_ = ~0ull;
  static constexpr uint32_t kExitsPerClockRead = 8;
  uint32_t exits_until_clock_ = 1;
  struct Input {
    std::function<int()> fd;
    std::function<void()> on_ready;
  };
  std::vector<Input> inputs_;
  std::vector<std::function<void()>> idle_hooks_;
};

}  // namespace bt86::runtime
