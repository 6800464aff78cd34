// The PC's cascaded Intel 8259A interrupt controllers and the PIIX edge/level control registers.
#pragma once

#include <cstdint>
#include <functional>

#include "devices/irq.h"
#include "devices/port_device.h"

namespace bt86::devices {

// Command words and their bits, named as in the Intel 8259A datasheet.
namespace pic {

inline constexpr uint16_t kCommand = 0;  // even port: ICW1, OCW2, OCW3; reads IRR, ISR or poll
inline constexpr uint16_t kData = 1;     // odd port: ICW2-4, OCW1 (IMR); reads IMR

// ICW1 (even port, bit 4 set).
inline constexpr uint8_t kIcw1Ic4 = 0x01;   // ICW4 follows
inline constexpr uint8_t kIcw1Sngl = 0x02;  // single chip: no ICW3
inline constexpr uint8_t kIcw1Ltim = 0x08;  // level-triggered (ignored: the ELCR decides)
inline constexpr uint8_t kIcw1Init = 0x10;

// ICW4.
inline constexpr uint8_t kIcw4Aeoi = 0x02;
inline constexpr uint8_t kIcw4Sfnm = 0x10;

// OCW2 (even port, bits 4:3 = 00): R SL EOI in bits 7:5, the level in bits 2:0.
inline constexpr uint8_t kOcw2NonSpecificEoi = 0x20;
inline constexpr uint8_t kOcw2SpecificEoi = 0x60;
inline constexpr uint8_t kOcw2RotateNonSpecificEoi = 0xA0;
inline constexpr uint8_t kOcw2SetRotateAeoi = 0x80;
inline constexpr uint8_t kOcw2ClearRotateAeoi = 0x00;
inline constexpr uint8_t kOcw2RotateSpecificEoi = 0xE0;
inline constexpr uint8_t kOcw2SetPriority = 0xC0;

// OCW3 (even port, bits 4:3 = 01).
inline constexpr uint8_t kOcw3 = 0x08;
inline constexpr uint8_t kOcw3ReadIrr = 0x0A;  // RR=1 RIS=0
inline constexpr uint8_t kOcw3ReadIsr = 0x0B;  // RR=1 RIS=1
inline constexpr uint8_t kOcw3Poll = 0x0C;
inline constexpr uint8_t kOcw3SetSpecialMask = 0x68;  // ESMM=1 SMM=1
inline constexpr uint8_t kOcw3ClearSpecialMask = 0x48;

inline constexpr unsigned kCascadeIr = 2;  // the master input the slave's INTR drives
inline constexpr int kMaster = 0;
inline constexpr int kSlave = 1;

}  // namespace pic

// Two 8259As as the AT wires them: ISA IRQ0-7 on the master, IRQ8-15 on the slave, whose
// INTR drives the master's IR2. Programmed the way QEMU's i8259 behaves, which is what guests
// are tested against: an edge-triggered IRR bit stays latched after its line falls, and a
// level-triggered one (ELCR) follows the line. Construction gives QEMU's reset state: both
// chips usable without initialization, vector base 0, nothing masked.
class Pic8259Pair final : public IrqSink, public InterruptController {
 public:
  Pic8259Pair();
  Pic8259Pair(const Pic8259Pair&) = delete;
  Pic8259Pair& operator=(const Pic8259Pair&) = delete;

  // ISA IRQ 0-15. IRQ2 lands on IRQ9, as the AT routes the bus's IRQ2 pin; higher lines are
  // ignored.
  void set_irq(unsigned line, bool level) override;

  // The master's INTR output to the CPU: an unmasked request that outranks everything in
  // service (or is merely unmasked, in special mask mode).
  bool intr() const override { return intr_; }
  // The INTA cycle: the vector of the highest request (moving it from IRR to ISR unless in
  // auto-EOI), fetched from the slave when the master picks IR2. With no request left it
  // returns the chip's spurious vector, base+7, without touching that chip's ISR.
  uint8_t acknowledge() override;
  // Called whenever intr() changes value, not on registration (intr() starts false).
  void set_intr_callback(std::function<void(bool)> cb) { intr_callback_ = std::move(cb); }

  PortDevice& master() { return master_port_; }  // ports 0x20-0x21
  PortDevice& slave() { return slave_port_; }    // ports 0xA0-0xA1
  PortDevice& elcr() { return elcr_port_; }      // ports 0x4D0-0x4D1: IRQ0-7, IRQ8-15

  // For --trace, debugging and tests; `chip` is pic::kMaster or pic::kSlave.
  uint8_t irr(int chip) const { return chips_[chip & 1].irr; }
  uint8_t isr(int chip) const { return chips_[chip & 1].isr; }
  uint8_t imr(int chip) const { return chips_[chip & 1].imr; }

 private:
  // One 8259A. The pair handles what crosses chips (cascade, INTR, the callback).
  struct Chip {
    uint8_t irr = 0;
    uint8_t isr = 0;
    uint8_t imr = 0;
    uint8_t elcr = 0;
    uint8_t elcr_writable = 0;
    uint8_t lines = 0;  // the IR input levels, for edge detection
    uint8_t vector_base = 0;
    uint8_t lowest_priority = 7;  // IR7 lowest until a rotation moves it
    uint8_t icw3 = 0;             // cascade wiring; stored only, the PC's is fixed
    unsigned init_step = 0;       // 0: operational; else the ICW expected next (2-4)
    bool expect_icw3 = false;
    bool expect_icw4 = false;
    bool auto_eoi = false;
    bool rotate_on_aeoi = false;
    bool special_fully_nested = false;
    bool special_mask = false;
    bool read_isr = false;  // OCW3 RIS: the even port reads ISR rather than IRR
    bool poll = false;      // OCW3 P: the next even-port read is a poll
    bool is_master = false;

    void set_line(unsigned ir, bool level);
    // The IR to present to the CPU, or -1.
    int pending() const;
    bool output() const { return pending() >= 0; }
    void intack(unsigned ir);
    void write(uint16_t offset, uint8_t value);
    void write_elcr(uint8_t value);

   private:
    // Priority rank of `ir`: 0 is the highest, just after the lowest-priority register.
    unsigned rank(unsigned ir) const { return (ir - lowest_priority - 1) & 7; }
    // The IR of highest priority among `bits`, or -1 when none is set.
    int highest(uint8_t bits) const;
    void write_icw1(uint8_t value);
    void write_ocw2(uint8_t value);
    void write_ocw3(uint8_t value);
  };

  // A chip's two ports.
  class ChipPort final : public PortDevice {
   public:
    ChipPort(Pic8259Pair& pair, int chip) : pair_(pair), chip_(chip) {}
    const char* name() const override { return chip_ == pic::kMaster ? "pic-master" : "pic-slave"; }
    uint32_t read(uint16_t offset, unsigned size) override;
    void write(uint16_t offset, unsigned size, uint32_t value) override;

   private:
    Pic8259Pair& pair_;
    int chip_;
  };

  class ElcrPort final : public PortDevice {
   public:
    explicit ElcrPort(Pic8259Pair& pair) : pair_(pair) {}
    const char* name() const override { return "elcr"; }
    uint32_t read(uint16_t offset, unsigned size) override;
    void write(uint16_t offset, unsigned size, uint32_t value) override;

   private:
    Pic8259Pair& pair_;
  };

  uint8_t read_chip(int chip, uint16_t offset);
  void write_chip(int chip, uint16_t offset, uint8_t value);
  // Recomputes the cascade and INTR after any change, and tells the callback.
  void update();

  Chip chips_[2];
  Chip& master_chip() { return chips_[pic::kMaster]; }
  Chip& slave_chip() { return chips_[pic::kSlave]; }
  bool intr_ = false;
  std::function<void(bool)> intr_callback_;
  ChipPort master_port_{*this, pic::kMaster};
  ChipPort slave_port_{*this, pic::kSlave};
  ElcrPort elcr_port_{*this};
};

}  // namespace bt86::devices
