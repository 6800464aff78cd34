// Wiring: the PC's legacy devices, their ports and IRQ lines, in one place (DESIGN.md §6).
//
//   0x20-0x21, 0xA0-0xA1  8259A pair (INTR to the CPU)      0x4D0-0x4D1  ELCR
//   0x40-0x43             8254 PIT, channel 0 on IRQ0       0x61         port B (ch2 gate, OUT)
//   0x60, 0x64            i8042 (IRQ1, IRQ12)               0x92         port A (A20, reset)
//   0x70-0x71             MC146818 RTC/CMOS (IRQ8)          0x80         POST
//   0x3F8, 0x2F8, 0x3E8, 0x2E8  COM1-4 16550A (IRQ 4, 3, 4, 3), one per -serial
//   0xF4-0xF7             isa-debug-exit
#include "runtime/pc_wiring.h"

#include <ctime>

#include "devices/debug_exit.h"
#include "devices/i8042.h"
#include "devices/pic8259.h"
#include "devices/pit8254.h"
#include "devices/port61.h"
#include "devices/port92.h"
#include "devices/post_port.h"
#include "devices/rtc_cmos.h"
#include "devices/uart16550.h"
#include "runtime/layout.h"

namespace bt86::runtime {

namespace {

// A UART with its INTR pin on an IRQ line: the line follows the UART's interrupt state
// after every access and every arrival of host input.
class SerialPort final : public devices::PortDevice {
 public:
  SerialPort(const char* name, devices::CharBackend* backend, devices::IrqLine irq)
      : uart_(name, backend), irq_(irq) {}
  const char* name() const override { return uart_.name(); }
  uint32_t read(uint16_t offset, unsigned size) override {
    const uint32_t value = uart_.read(offset, size);
    // A byte left the receiver: refill it from what the backend already holds (a paste
    // arrives faster than 16 bytes at a time, and the host fd will not poll readable again).
    if (offset == devices::uart::kRbrThrDll) uart_.poll_input();
    update_irq();
    return value;
  }
  void write(uint16_t offset, unsigned size, uint32_t value) override {
    uart_.write(offset, size, value);
    update_irq();
  }
  // Host input is ready: move what fits into the receiver.
  void on_input() {
    uart_.poll_input();
    update_irq();
  }

 private:
  void update_irq() { irq_.set(uart_.irq_pending()); }

  devices::Uart16550 uart_;
  devices::IrqLine irq_;
};

// Wall-clock seconds now, for the RTC to start from.
int64_t unix_time_now() { return int64_t(std::time(nullptr)); }

}  // namespace

// The serial ports as a PC numbers them; COM3 and COM4 share the IRQs of COM1 and COM2.
struct SerialSlot {
  const char* name;
  uint16_t port;
  unsigned irq;
};
constexpr SerialSlot kSerialSlots[] = {{"com1", layout::kPortCom1, layout::kIrqCom1},
                                       {"com2", layout::kPortCom2, layout::kIrqCom2},
                                       {"com3", layout::kPortCom3, layout::kIrqCom1},
                                       {"com4", layout::kPortCom4, layout::kIrqCom2}};

Result<PcDevices> wire_pc_devices(Machine& m, const cli::Config& config) {
  PcDevices pc;
  const std::vector<std::string> specs =
      config.serial.empty() ? std::vector<std::string>{"stdio"} : config.serial;
  for (const std::string& spec : specs) {
    auto backend = devices::make_char_backend(spec);
    if (!backend) return std::unexpected(backend.error());
    (*backend)->set_quit_handler(
        [&m] { m.request_stop(kStatusHalted, "terminated by Ctrl-A x"); });
    pc.serial_backends.push_back(std::move(*backend));
  }

  auto* pic = m.own(std::make_unique<devices::Pic8259Pair>());
  pic->set_intr_callback([&m](bool level) { m.set_intr(level); });
  m.set_interrupt_controller(pic);
  const devices::Clock& clock = m.clock();
  auto irq = [pic](unsigned line) { return devices::IrqLine(pic, line); };

  auto* pit = m.own(std::make_unique<devices::Pit8254>(clock, irq(layout::kIrqPit)));
  auto* port61 = m.own(std::make_unique<devices::Port61>(clock, *pit));
  auto* rtc = m.own(std::make_unique<devices::RtcCmos>(clock, irq(layout::kIrqRtc),
                                                      unix_time_now(), clock.now_ns()));
  rtc->set_memory_size(m.ram().size());
  auto* kbd = m.own(std::make_unique<devices::I8042>(m, irq(layout::kIrqKeyboard),
                                                     irq(layout::kIrqAux)));
  auto* port92 = m.own(std::make_unique<devices::Port92>(m));
  auto* post = m.own(std::make_unique<devices::PostPort>());
  auto* exit = m.own(std::make_unique<devices::DebugExit>(m));
  m.add_timed_device(pit);
  m.add_timed_device(rtc);
  devices::PortBus& bus = m.ports();
  for (size_t i = 0; i < pc.serial_backends.size(); ++i) {
    const SerialSlot& slot = kSerialSlots[i];
    devices::CharBackend* backend = pc.serial_backends[i].get();
    auto* uart = m.own(std::make_unique<SerialPort>(slot.name, backend, irq(slot.irq)));
    m.add_input([backend] { return backend->poll_fd(); }, [uart] { uart->on_input(); });
    m.add_idle_hook([backend] { backend->flush(); });
    if (auto r = bus.add(slot.port, layout::kUartPorts, uart); !r) return std::unexpected(r.error());
  }

  for (auto r : {bus.add(layout::kPortPicMaster, 2, &pic->master()),
                 bus.add(layout::kPortPicSlave, 2, &pic->slave()),
                 bus.add(layout::kPortElcr, 2, &pic->elcr()),
                 bus.add(layout::kPortPit, 4, pit),
                 bus.add(layout::kPortSystemControlB, 1, port61),
                 bus.add(layout::kPortKbdData, 1, &kbd->data_port()),
                 bus.add(layout::kPortKbdCommand, 1, &kbd->command_port()),
                 bus.add(layout::kPortSystemControlA, 1, port92),
                 bus.add(layout::kPortCmos, 2, rtc),
                 bus.add(layout::kPortPost, 1, post),
                 bus.add(layout::kPortDebugExit, layout::kPortDebugExitSize, exit)}) {
    if (!r) return std::unexpected(r.error());
  }
  return pc;
}

}  // namespace bt86::runtime
