; SETcc and CMOVcc for every condition, on register and memory operands, after flag states
; that make each condition true in one case and false in another.
%include "case.inc"

CASE "setcc_all_to_memory_overflow_negative"
        mov eax, 0x7FFFFFFF
        add eax, 1
        seto byte [DATA + 0x100 + 0]
        setno byte [DATA + 0x100 + 1]
        setb byte [DATA + 0x100 + 2]
        setnb byte [DATA + 0x100 + 3]
        setz byte [DATA + 0x100 + 4]
        setnz byte [DATA + 0x100 + 5]
        setbe byte [DATA + 0x100 + 6]
        setnbe byte [DATA + 0x100 + 7]
        sets byte [DATA + 0x100 + 8]
        setns byte [DATA + 0x100 + 9]
        setp byte [DATA + 0x100 + 10]
        setnp byte [DATA + 0x100 + 11]
        setl byte [DATA + 0x100 + 12]
        setnl byte [DATA + 0x100 + 13]
        setle byte [DATA + 0x100 + 14]
        setnle byte [DATA + 0x100 + 15]
ENDCASE

CASE "cmovcc_all_overflow_negative"
        mov eax, 0x7FFFFFFF
        add eax, 1
        mov esi, 0x11111111
        mov edi, 0x22222222
        mov dword [DATA + 0x200], 0x33333333
        cmovo esi, edi
        cmovno edi, dword [DATA + 0x200]
        cmovb ebp, edi
        cmovnb edx, dword [DATA + 0x200]
        cmovz esi, edi
        cmovnz edi, dword [DATA + 0x200]
        cmovbe ebp, edi
        cmovnbe edx, dword [DATA + 0x200]
        cmovs esi, edi
        cmovns edi, dword [DATA + 0x200]
        cmovp ebp, edi
        cmovnp edx, dword [DATA + 0x200]
        cmovl esi, edi
        cmovnl edi, dword [DATA + 0x200]
        cmovle ebp, edi
        cmovnle edx, dword [DATA + 0x200]
ENDCASE

CASE "setcc_all_to_memory_zero"
        xor eax, eax
        seto byte [DATA + 0x100 + 0]
        setno byte [DATA + 0x100 + 1]
        setb byte [DATA + 0x100 + 2]
        setnb byte [DATA + 0x100 + 3]
        setz byte [DATA + 0x100 + 4]
        setnz byte [DATA + 0x100 + 5]
        setbe byte [DATA + 0x100 + 6]
        setnbe byte [DATA + 0x100 + 7]
        sets byte [DATA + 0x100 + 8]
        setns byte [DATA + 0x100 + 9]
        setp byte [DATA + 0x100 + 10]
        setnp byte [DATA + 0x100 + 11]
        setl byte [DATA + 0x100 + 12]
        setnl byte [DATA + 0x100 + 13]
        setle byte [DATA + 0x100 + 14]
        setnle byte [DATA + 0x100 + 15]
ENDCASE

CASE "cmovcc_all_zero"
        xor eax, eax
        mov esi, 0x11111111
        mov edi, 0x22222222
        mov dword [DATA + 0x200], 0x33333333
        cmovo esi, edi
        cmovno edi, dword [DATA + 0x200]
        cmovb ebp, edi
        cmovnb edx, dword [DATA + 0x200]
        cmovz esi, edi
        cmovnz edi, dword [DATA + 0x200]
        cmovbe ebp, edi
        cmovnbe edx, dword [DATA + 0x200]
        cmovs esi, edi
        cmovns edi, dword [DATA + 0x200]
        cmovp ebp, edi
        cmovnp edx, dword [DATA + 0x200]
        cmovl esi, edi
        cmovnl edi, dword [DATA + 0x200]
        cmovle ebp, edi
        cmovnle edx, dword [DATA + 0x200]
ENDCASE

CASE "setcc_all_to_memory_borrow_negative"
        mov eax, 1
        sub eax, 2
        seto byte [DATA + 0x100 + 0]
        setno byte [DATA + 0x100 + 1]
        setb byte [DATA + 0x100 + 2]
        setnb byte [DATA + 0x100 + 3]
        setz byte [DATA + 0x100 + 4]
        setnz byte [DATA + 0x100 + 5]
        setbe byte [DATA + 0x100 + 6]
        setnbe byte [DATA + 0x100 + 7]
        sets byte [DATA + 0x100 + 8]
        setns byte [DATA + 0x100 + 9]
        setp byte [DATA + 0x100 + 10]
        setnp byte [DATA + 0x100 + 11]
        setl byte [DATA + 0x100 + 12]
        setnl byte [DATA + 0x100 + 13]
        setle byte [DATA + 0x100 + 14]
        setnle byte [DATA + 0x100 + 15]
ENDCASE

CASE "cmovcc_all_borrow_negative"
        mov eax, 1
        sub eax, 2
        mov esi, 0x11111111
        mov edi, 0x22222222
        mov dword [DATA + 0x200], 0x33333333
        cmovo esi, edi
        cmovno edi, dword [DATA + 0x200]
        cmovb ebp, edi
        cmovnb edx, dword [DATA + 0x200]
        cmovz esi, edi
        cmovnz edi, dword [DATA + 0x200]
        cmovbe ebp, edi
        cmovnbe edx, dword [DATA + 0x200]
        cmovs esi, edi
        cmovns edi, dword [DATA + 0x200]
        cmovp ebp, edi
        cmovnp edx, dword [DATA + 0x200]
        cmovl esi, edi
        cmovnl edi, dword [DATA + 0x200]
        cmovle ebp, edi
        cmovnle edx, dword [DATA + 0x200]
ENDCASE

CASE "setcc_all_to_memory_above_positive_odd_parity"
        mov eax, 3
        cmp eax, 2
        seto byte [DATA + 0x100 + 0]
        setno byte [DATA + 0x100 + 1]
        setb byte [DATA + 0x100 + 2]
        setnb byte [DATA + 0x100 + 3]
        setz byte [DATA + 0x100 + 4]
        setnz byte [DATA + 0x100 + 5]
        setbe byte [DATA + 0x100 + 6]
        setnbe byte [DATA + 0x100 + 7]
        sets byte [DATA + 0x100 + 8]
        setns byte [DATA + 0x100 + 9]
        setp byte [DATA + 0x100 + 10]
        setnp byte [DATA + 0x100 + 11]
        setl byte [DATA + 0x100 + 12]
        setnl byte [DATA + 0x100 + 13]
        setle byte [DATA + 0x100 + 14]
        setnle byte [DATA + 0x100 + 15]
ENDCASE

CASE "cmovcc_all_above_positive_odd_parity"
        mov eax, 3
        cmp eax, 2
        mov esi, 0x11111111
        mov edi, 0x22222222
        mov dword [DATA + 0x200], 0x33333333
        cmovo esi, edi
        cmovno edi, dword [DATA + 0x200]
        cmovb ebp, edi
        cmovnb edx, dword [DATA + 0x200]
        cmovz esi, edi
        cmovnz edi, dword [DATA + 0x200]
        cmovbe ebp, edi
        cmovnbe edx, dword [DATA + 0x200]
        cmovs esi, edi
        cmovns edi, dword [DATA + 0x200]
        cmovp ebp, edi
        cmovnp edx, dword [DATA + 0x200]
        cmovl esi, edi
        cmovnl edi, dword [DATA + 0x200]
        cmovle ebp, edi
        cmovnle edx, dword [DATA + 0x200]
ENDCASE

CASE "setcc_all_to_memory_sahf_all_set"
        mov eax, 0xD500
        sahf
        seto byte [DATA + 0x100 + 0]
        setno byte [DATA + 0x100 + 1]
        setb byte [DATA + 0x100 + 2]
        setnb byte [DATA + 0x100 + 3]
        setz byte [DATA + 0x100 + 4]
        setnz byte [DATA + 0x100 + 5]
        setbe byte [DATA + 0x100 + 6]
        setnbe byte [DATA + 0x100 + 7]
        sets byte [DATA + 0x100 + 8]
        setns byte [DATA + 0x100 + 9]
        setp byte [DATA + 0x100 + 10]
        setnp byte [DATA + 0x100 + 11]
        setl byte [DATA + 0x100 + 12]
        setnl byte [DATA + 0x100 + 13]
        setle byte [DATA + 0x100 + 14]
        setnle byte [DATA + 0x100 + 15]
ENDCASE

CASE "cmovcc_all_sahf_all_set"
        mov eax, 0xD500
        sahf
        mov esi, 0x11111111
        mov edi, 0x22222222
        mov dword [DATA + 0x200], 0x33333333
        cmovo esi, edi
        cmovno edi, dword [DATA + 0x200]
        cmovb ebp, edi
        cmovnb edx, dword [DATA + 0x200]
        cmovz esi, edi
        cmovnz edi, dword [DATA + 0x200]
        cmovbe ebp, edi
        cmovnbe edx, dword [DATA + 0x200]
        cmovs esi, edi
        cmovns edi, dword [DATA + 0x200]
        cmovp ebp, edi
        cmovnp edx, dword [DATA + 0x200]
        cmovl esi, edi
        cmovnl edi, dword [DATA + 0x200]
        cmovle ebp, edi
        cmovnle edx, dword [DATA + 0x200]
ENDCASE

CASE "setcc_all_to_memory_less_not_overflow"
        mov eax, -5
        cmp eax, 3
        seto byte [DATA + 0x100 + 0]
        setno byte [DATA + 0x100 + 1]
        setb byte [DATA + 0x100 + 2]
        setnb byte [DATA + 0x100 + 3]
        setz byte [DATA + 0x100 + 4]
        setnz byte [DATA + 0x100 + 5]
        setbe byte [DATA + 0x100 + 6]
        setnbe byte [DATA + 0x100 + 7]
        sets byte [DATA + 0x100 + 8]
        setns byte [DATA + 0x100 + 9]
        setp byte [DATA + 0x100 + 10]
        setnp byte [DATA + 0x100 + 11]
        setl byte [DATA + 0x100 + 12]
        setnl byte [DATA + 0x100 + 13]
        setle byte [DATA + 0x100 + 14]
        setnle byte [DATA + 0x100 + 15]
ENDCASE

CASE "cmovcc_all_less_not_overflow"
        mov eax, -5
        cmp eax, 3
        mov esi, 0x11111111
        mov edi, 0x22222222
        mov dword [DATA + 0x200], 0x33333333
        cmovo esi, edi
        cmovno edi, dword [DATA + 0x200]
        cmovb ebp, edi
        cmovnb edx, dword [DATA + 0x200]
        cmovz esi, edi
        cmovnz edi, dword [DATA + 0x200]
        cmovbe ebp, edi
        cmovnbe edx, dword [DATA + 0x200]
        cmovs esi, edi
        cmovns edi, dword [DATA + 0x200]
        cmovp ebp, edi
        cmovnp edx, dword [DATA + 0x200]
        cmovl esi, edi
        cmovnl edi, dword [DATA + 0x200]
        cmovle ebp, edi
        cmovnle edx, dword [DATA + 0x200]
ENDCASE

CASE "setcc_registers_high_bytes"
        stc
        setc ah
        setnc ch
        cmp eax, eax
        setz dh
        setnz bh
        setb dl
        mov ebx, DATA
ENDCASE

CASE "cmov16_register_and_memory"
        mov eax, 0x11112222
        mov ecx, 0x33334444
        cmp eax, ecx
        cmovb ax, cx
        cmova dx, cx
        cmovbe si, [DATA + 0x10]
ENDCASE

CASE "cmov_not_taken_keeps_upper"
        mov eax, 0xFFFFFFFF
        mov ecx, 0
        cmp ecx, 1
        cmovz eax, ecx
        cmovnz edx, ecx
ENDCASE
