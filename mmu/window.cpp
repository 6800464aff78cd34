// mmu window: placeholder
