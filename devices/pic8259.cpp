// The 8259A pair's initialization, priority resolution, EOI, poll and cascade (Intel 8259A).
#include "devices/pic8259.h"

namespace bt86::devices {

using namespace pic;

namespace {

constexpr uint8_t bit(unsigned ir) {
  return static_cast<uint8_t>(1u << ir);
}

// PIIX ELCR bits that may be set. IRQ0, 1, 2, 8 and 13 (timer, keyboard, cascade, RTC, FPU
// error) are wired edge-triggered on the board and read as 0.
constexpr uint8_t kElcrWritable[2] = {0xF8, 0xDE};

// The AT moved the bus's IRQ2 pin to the slave's IR1 when IR2 became the cascade input.
constexpr unsigned kIrq2Redirect = 9;

}  // namespace

Pic8259Pair::Pic8259Pair() {
  chips_[kMaster].is_master = true;
  for (int c = 0; c < 2; ++c) chips_[c].elcr_writable = kElcrWritable[c];
}

void Pic8259Pair::set_irq(unsigned line, bool level) {
  if (line == kCascadeIr) line = kIrq2Redirect;
  if (line >= 16) return;
  chips_[line / 8].set_line(line % 8, level);
  update();
}

uint8_t Pic8259Pair::acknowledge() {
  Chip& master = master_chip();
  Chip& slave = slave_chip();
  const int ir = master.pending();
  unsigned vector;
  if (ir < 0) {
    // The request went away (a level line fell, or was masked) after INTR was sampled.
    // The chip answers IR7's vector but sets no ISR bit, which is how Linux tells a
    // spurious IRQ7 from a real one.
    vector = master.vector_base + 7u;
  } else if (ir == static_cast<int>(kCascadeIr)) {
    // The master drives the cascade lines and the slave supplies the vector. A slave with
    // nothing left answers its own spurious vector (IRQ15) while the master's IR2 still
    // goes in service, so the guest's handler must EOI the master.
    const int ir2 = slave.pending();
    if (ir2 >= 0) {
      slave.intack(static_cast<unsigned>(ir2));
      vector = slave.vector_base + static_cast<unsigned>(ir2);
    } else {
      vector = slave.vector_base + 7u;
    }
    master.intack(kCascadeIr);
  } else {
    master.intack(static_cast<unsigned>(ir));
    vector = master.vector_base + static_cast<unsigned>(ir);
  }
  update();
  return static_cast<uint8_t>(vector);
}

uint8_t Pic8259Pair::read_chip(int chip, uint16_t offset) {
  Chip& c = chips_[chip];
  if (offset == kData) return c.imr;
  if (c.poll) {
    // Poll mode: this read is the acknowledge. The poll word is I (bit 7) and the level.
    c.poll = false;
    const int ir = c.pending();
    if (ir < 0) return 0;
    c.intack(static_cast<unsigned>(ir));
    update();
    return static_cast<uint8_t>(0x80 | ir);
  }
  return c.read_isr ? c.isr : c.irr;
}

void Pic8259Pair::write_chip(int chip, uint16_t offset, uint8_t value) {
  chips_[chip].write(offset, value);
  update();
}

void Pic8259Pair::update() {
  // The slave's INTR is a level on the master's IR2, which the master latches as an edge
  // input (ELCR bit 2 is hard-wired 0): a slave request withdrawn before INTA leaves IR2
  // requesting, and the slave then answers IRQ15 (see acknowledge). Latching whenever the
  // level is high, not only on its rising edge, re-presents a slave request still standing
  // after an INTA (slave in auto-EOI or special mask mode) for which no new edge would come.
  if (slave_chip().output()) master_chip().irr |= bit(kCascadeIr);
  const bool now = master_chip().output();
  if (now == intr_) return;
  intr_ = now;
  if (intr_callback_) intr_callback_(now);
}

// --- One chip ---

void Pic8259Pair::Chip::set_line(unsigned ir, bool level) {
  const uint8_t b = bit(ir);
  if (elcr & b) {
    irr = level ? (irr | b) : (irr & ~b);
  } else if (level && !(lines & b)) {
    irr |= b;  // rising edge; a falling one leaves the request latched
  }
  lines = level ? (lines | b) : (lines & ~b);
}

int Pic8259Pair::Chip::highest(uint8_t bits) const {
  for (unsigned r = 0; r < 8; ++r) {
    const unsigned ir = (lowest_priority + 1u + r) & 7;
    if (bits & bit(ir)) return static_cast<int>(ir);
  }
  return -1;
}

int Pic8259Pair::Chip::pending() const {
  const int ir = highest(irr & ~imr);
  if (ir < 0) return -1;
  uint8_t blocking = isr;
  // Special mask mode: a level the guest masked while in service stops holding lower ones off.
  if (special_mask) blocking &= ~imr;
  // Special fully nested mode: the slave in service on IR2 may still pass a higher request.
  if (special_fully_nested && is_master) blocking &= ~bit(kCascadeIr);
  const int in_service = highest(blocking);
  if (in_service >= 0 && rank(static_cast<unsigned>(in_service)) <= rank(static_cast<unsigned>(ir)))
    return -1;
  return ir;
}

void Pic8259Pair::Chip::intack(unsigned ir) {
  const uint8_t b = bit(ir);
  if (!auto_eoi) {
    isr |= b;
  } else if (rotate_on_aeoi) {
    lowest_priority = static_cast<uint8_t>(ir);
  }
  // A level-triggered request stays in IRR while its line is high; the new ISR bit is what
  // keeps it from being presented again before the EOI.
  if (!(elcr & b)) irr &= ~b;
}

void Pic8259Pair::Chip::write(uint16_t offset, uint8_t value) {
  if (offset == kCommand) {
    if (value & kIcw1Init) {
      write_icw1(value);
    } else if (value & kOcw3) {
      write_ocw3(value);
    } else {
      write_ocw2(value);
    }
    return;
  }
  switch (init_step) {
    case 0:
      imr = value;  // OCW1
      break;
    case 2:
      vector_base = value & 0xF8;  // in 8086 mode T2-T0 come from the IR number
      init_step = expect_icw3 ? 3 : expect_icw4 ? 4 : 0;
      break;
    case 3:
      icw3 = value;
      init_step = expect_icw4 ? 4 : 0;
      break;
    case 4:
      auto_eoi = (value & kIcw4Aeoi) != 0;
      special_fully_nested = (value & kIcw4Sfnm) != 0;
      init_step = 0;
      break;
  }
}

void Pic8259Pair::Chip::write_icw1(uint8_t value) {
  // What ICW1 resets, per the datasheet: the edge sense (a line already high must fall and
  // rise again: `lines` keeps its levels), IMR, the priority order, special mask mode, the
  // register-read selection, and every ICW4 function. IRR and ISR clear as on QEMU, except
  // that a level-triggered line still high is still requesting. LTIM is ignored: on the
  // PIIX the ELCR selects the trigger mode.
  irr = lines & elcr;
  isr = 0;
  imr = 0;
  lowest_priority = 7;
  special_mask = false;
  read_isr = false;
  poll = false;
  auto_eoi = false;
  rotate_on_aeoi = false;
  special_fully_nested = false;
  expect_icw3 = !(value & kIcw1Sngl);
  expect_icw4 = (value & kIcw1Ic4) != 0;
  init_step = 2;
}

void Pic8259Pair::Chip::write_ocw2(uint8_t value) {
  const unsigned level = value & 7;
  switch (value & 0xE0) {
    case kOcw2NonSpecificEoi:
    case kOcw2RotateNonSpecificEoi: {
      // Ends the highest-priority level in service; in special mask mode the datasheet
      // leaves masked in-service levels alone.
      const int ir = highest(special_mask ? static_cast<uint8_t>(isr & ~imr) : isr);
      if (ir < 0) break;
      isr &= ~bit(static_cast<unsigned>(ir));
      if (value & 0x80) lowest_priority = static_cast<uint8_t>(ir);
      break;
    }
    case kOcw2SpecificEoi:
      isr &= ~bit(level);
      break;
    case kOcw2RotateSpecificEoi:
      isr &= ~bit(level);
      lowest_priority = static_cast<uint8_t>(level);
      break;
    case kOcw2SetPriority:
      lowest_priority = static_cast<uint8_t>(level);
      break;
    case kOcw2SetRotateAeoi:
      rotate_on_aeoi = true;
      break;
    case kOcw2ClearRotateAeoi:
      rotate_on_aeoi = false;
      break;
    default:  // 0x40: no operation
      break;
  }
}

void Pic8259Pair::Chip::write_ocw3(uint8_t value) {
  if (value & 0x40) special_mask = (value & 0x20) != 0;  // ESMM gates SMM
  if (value & 0x02) read_isr = (value & 0x01) != 0;      // RR gates RIS
  poll = (value & 0x04) != 0;
}

void Pic8259Pair::Chip::write_elcr(uint8_t value) {
  elcr = value & elcr_writable;
  // A line that becomes level-triggered requests exactly while it is high.
  irr = static_cast<uint8_t>((irr & ~elcr) | (lines & elcr));
}

// --- Ports ---
// The chips sit on the 8-bit bus half: a wider access reaches only the addressed register.

uint32_t Pic8259Pair::ChipPort::read(uint16_t offset, unsigned /*size*/) {
  return pair_.read_chip(chip_, offset & 1);
}

void Pic8259Pair::ChipPort::write(uint16_t offset, unsigned /*size*/, uint32_t value) {
  pair_.write_chip(chip_, offset & 1, static_cast<uint8_t>(value));
}

uint32_t Pic8259Pair::ElcrPort::read(uint16_t offset, unsigned /*size*/) {
  return pair_.chips_[offset & 1].elcr;
}

void Pic8259Pair::ElcrPort::write(uint16_t offset, unsigned /*size*/, uint32_t value) {
  pair_.chips_[offset & 1].write_elcr(static_cast<uint8_t>(value));
  pair_.update();
}

}  // namespace bt86::devices
