// Wiring: COM1 (16550A on the -serial backend), POST port 0x80, isa-debug-exit at 0xF4.
#include "runtime/pc_wiring.h"

#include "devices/debug_exit.h"
#include "devices/post_port.h"
#include "devices/uart16550.h"
#include "runtime/layout.h"

namespace bt86::runtime {

namespace {

// A polled UART sees host input when the guest reads it: move pending bytes into its FIFO
// before every read (interrupt-driven input comes with the PIC).
class PolledUart final : public devices::PortDevice {
 public:
  explicit PolledUart(devices::CharBackend* backend) : uart_("com1", backend) {}
  const char* name() const override { return uart_.name(); }
  uint32_t read(uint16_t offset, unsigned size) override {
    uart_.poll_input();
    return uart_.read(offset, size);
  }
  void write(uint16_t offset, unsigned size, uint32_t value) override {
    uart_.write(offset, size, value);
  }

 private:
  devices::Uart16550 uart_;
};

}  // namespace

Result<PcDevices> wire_pc_devices(Machine& m, const cli::Config& config) {
  PcDevices pc;
  auto backend = devices::make_char_backend(config.serial);
  if (!backend) return std::unexpected(backend.error());
  pc.com1_backend = std::move(*backend);

  devices::PortBus& bus = m.ports();
  auto* com1 = m.own(std::make_unique<PolledUart>(pc.com1_backend.get()));
  auto* post = m.own(std::make_unique<devices::PostPort>());
  auto* exit = m.own(std::make_unique<devices::DebugExit>(m));
  for (auto r : {bus.add(layout::kPortCom1, layout::kUartPorts, com1),
                 bus.add(layout::kPortPost, 1, post),
                 bus.add(layout::kPortDebugExit, layout::kPortDebugExitSize, exit)}) {
    if (!r) return std::unexpected(r.error());
  }
  return pc;
}

}  // namespace bt86::runtime
