// The interrupt-request lines between ISA devices and the interrupt controller.
#pragma once

#include <cstdint>

namespace bt86::devices {

// Where a device drives its IRQ line. An edge-triggered device raises then lowers the line
// (a pulse); the 8259 latches the rising edge. A level-triggered one holds it high while
// its interrupt condition lasts.
class IrqSink {
 public:
  virtual ~IrqSink() = default;
  // `line` is the ISA IRQ number (0-15).
  virtual void set_irq(unsigned line, bool level) = 0;
};

// One line of an IrqSink, handed to a device that owns exactly one IRQ.
class IrqLine {
 public:
  IrqLine() = default;
  IrqLine(IrqSink* sink, unsigned line) : sink_(sink), line_(line) {}
  void set(bool level) {
    if (sink_) sink_->set_irq(line_, level);
  }
  void pulse() {
    set(true);
    set(false);
  }

 private:
  IrqSink* sink_ = nullptr;
  unsigned line_ = 0;
};

// What the CPU sees of an interrupt controller: its INTR output and the acknowledge cycle.
class InterruptController {
 public:
  virtual ~InterruptController() = default;
  // INTR: a request the CPU should take when IF allows.
  virtual bool intr() const = 0;
  // The INTA cycle: the vector of the request taken (or the controller's spurious vector).
  virtual uint8_t acknowledge() = 0;
};

}  // namespace bt86::devices
