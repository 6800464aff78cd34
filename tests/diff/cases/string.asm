; String instructions: MOVS STOS LODS CMPS SCAS in 8/16/32-bit sizes, forwards and with DF=1,
; REP with ECX=0, REPE/REPNE stopping early, overlapping MOVS both ways, 0x66 and 0x67 forms.
; Initially esi = DATA+0x1000, edi = DATA+0x2000.
%include "case.inc"

CASE "movsb_movsw_movsd"
        movsb
        movsw
        movsd
ENDCASE

CASE "movs_backwards_df1"
        std
        movsd
        movsw
        movsb
        cld
ENDCASE

CASE "movs_df1_left_set"
        std
        movsb
ENDCASE

CASE "rep_movsb_forward"
        mov ecx, 37
        rep movsb
ENDCASE

CASE "rep_movsd_backward"
        std
        mov esi, DATA + 0x1100
        mov edi, DATA + 0x2100
        mov ecx, 16
        rep movsd
ENDCASE

CASE "rep_movs_ecx_zero_does_nothing"
        mov ecx, 0
        rep movsd
        rep stosb
        mov eax, 1
        add eax, 0xFFFFFFFF               ; flags set, must survive the REP CMPS
        repe cmpsb
ENDCASE

CASE "rep_movsb_overlap_forward_replicates"
        mov esi, DATA + 0x3000
        mov edi, DATA + 0x3001
        mov ecx, 64
        rep movsb
ENDCASE

CASE "rep_movsb_overlap_backward_shifts"
        std
        mov esi, DATA + 0x3040
        mov edi, DATA + 0x3048
        mov ecx, 65
        rep movsb
        cld
ENDCASE

CASE "rep_movsd_overlap_forward"
        mov esi, DATA + 0x3100
        mov edi, DATA + 0x3104
        mov ecx, 20
        rep movsd
ENDCASE

CASE "stosb_stosw_stosd"
        mov eax, 0xA1B2C3D4
        stosb
        stosw
        stosd
ENDCASE

CASE "rep_stosd_and_backward_stosw"
        mov eax, 0xDEADBEEF
        mov ecx, 100
        rep stosd
        std
        mov ecx, 9
        rep stosw
        cld
ENDCASE

CASE "lodsb_lodsw_lodsd"
        lodsb
        lodsw
        lodsd
        std
        lodsd
ENDCASE

CASE "rep_lodsb_leaves_last"
        mov ecx, 5
        rep lodsb
ENDCASE

CASE "cmpsb_equal_and_not"
        mov edi, esi
        cmpsb
        mov edi, DATA + 0x2000
        cmpsd
ENDCASE

CASE "repe_cmpsb_stops_at_difference"
        mov edi, DATA + 0x4000
        mov esi, DATA + 0x1000
        mov ecx, 64
        push esi
        push edi
        push ecx
        rep movsb                         ; copy 64 bytes, then spoil byte 20
        pop ecx
        pop edi
        pop esi
        mov byte [DATA + 0x4000 + 20], 0
        repe cmpsb
ENDCASE

CASE "repe_cmpsd_all_equal"
        mov edi, DATA + 0x1000
        mov esi, DATA + 0x1000
        mov ecx, 8
        repe cmpsd
ENDCASE

CASE "repne_cmpsw_stops_at_equal"
        mov esi, DATA + 0x5000
        mov edi, DATA + 0x5100
        mov dword [DATA + 0x5000 + 12], 0x12345678
        mov dword [DATA + 0x5100 + 12], 0x9ABC5678
        mov ecx, 30
        repne cmpsw
ENDCASE

CASE "scasb_found_and_not"
        mov eax, 0x55
        mov byte [edi], 0x55
        scasb
        scasb
ENDCASE

CASE "repne_scasb_finds_byte"
        mov edi, DATA
        mov eax, 0x123456B6               ; pattern byte i*7+3 is 0xB6 first at i = 245
        mov ecx, 300
        repne scasb
ENDCASE

CASE "repne_scasd_not_found_runs_out"
        mov edi, DATA + 0x6000
        mov eax, 0xFFFFFFFF
        mov ecx, 10
        repne scasd
ENDCASE

CASE "repe_scasw_backward"
        std
        mov edi, DATA + 0x7010
        mov ecx, 8
        mov eax, 0x0000ABCD
        mov dword [DATA + 0x7008], 0xABCDABCD
        mov dword [DATA + 0x700C], 0xABCDABCD
        mov dword [DATA + 0x7010], 0xABCDABCD
        repe scasw
        cld
ENDCASE

CASE "o16_rep_movsw_stosw"
        mov ecx, 7
        rep movsw
        mov eax, 0x0000BEEF
        mov ecx, 3
        o16 rep stosw
ENDCASE

CASE "a16_rep_movsb_cx_zero"
        mov ecx, 0x12340000               ; CX = 0: nothing happens, ECX's top half stays
        a16 rep movsb
        a16 rep stosd
ENDCASE

CASE "repe_cmpsb_ecx_1"
        mov ecx, 1
        mov edi, esi
        repe cmpsb
ENDCASE

CASE "lods_stos_transform_loop"
        mov ecx, 16
.next:  lodsb
        xor al, 0x5A
        stosb
        loop .next
ENDCASE

CASE "rep_movsb_large_count"
        mov ecx, 0x1800
        rep movsb
ENDCASE
