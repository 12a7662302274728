/*
 * redact.c - personal-data removal for published PAKN answers (redact.h).
 *
 * Three detectors mark byte spans (e-mail addresses, digit runs that are
 * phones or ids, the caller's name); overlapping or touching spans are
 * merged and each merged span becomes one CC_REDACTED. Nothing here logs.
 */
#include "redact.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cc_base.h"
#include "cc_mem.h"

#define MAX_NAME_CPS 128  /* code points kept from the caller's name */
#define MAX_RUN_DIGITS 20 /* digits kept from one number run */

typedef struct {
    size_t start, end;
} span_t;

typedef struct {
    span_t *v;
    size_t n, cap;
} spans_t;

static void spans_add(spans_t *s, size_t start, size_t end)
{
    if (end <= start)
        return;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->v = cc_xrealloc(s->v, s->cap * sizeof(*s->v));
    }
    s->v[s->n].start = start;
    s->v[s->n].end = end;
    s->n++;
}

/* ---- UTF-8 and letters ------------------------------------------------------- */

/* Decode the code point at @i; returns its byte length (1 for an invalid
 * byte, reported as U+FFFD so that it never matches a letter). */
static size_t u8_at(const unsigned char *s, size_t len, size_t i, uint32_t *ret_cp)
{
    unsigned char c = s[i];
    size_t n;
    uint32_t cp;

    if (c < 0x80) {
        *ret_cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        *ret_cp = 0xFFFD;
        return 1;
    }
    if (i + n > len)
        goto bad;
    for (size_t k = 1; k < n; k++) {
        if ((s[i + k] & 0xC0) != 0x80)
            goto bad;
        cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    *ret_cp = cp;
    return n;
bad:
    *ret_cp = 0xFFFD;
    return 1;
}

/* Start of the code point that ends just before @i. */
static size_t u8_prev(const unsigned char *s, size_t i)
{
    size_t k = i - 1;

    while (k > 0 && i - k < 4 && (s[k] & 0xC0) == 0x80)
        k--;
    return k;
}

/* Latin letters with diacritics -> their base letter (generated from the
 * Unicode NFD decompositions of U+00C0..U+024F and U+1E00..U+1EFF, plus
 * Đ/đ, which has none). Sorted by code point. */
static const struct {
    uint16_t cp;
    char base;
} fold_table[] = {
#include "redact_fold.inc"
};

/* Combining diacritical marks: the decomposed (NFD) spelling's accents. */
static bool is_combining(uint32_t cp) { return cp >= 0x0300 && cp <= 0x036F; }

/* Case- and diacritic-insensitive key of a code point. */
static uint32_t fold(uint32_t cp)
{
    size_t lo = 0, hi = CC_N(fold_table);

    if (cp < 0x80)
        return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;

        if (fold_table[mid].cp == cp)
            return (uint32_t)fold_table[mid].base;
        if (fold_table[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return cp;
}

static bool is_ascii_alnum(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A letter or digit for word boundaries: ASCII alnum, Latin letters with
 * diacritics, combining marks (they belong to the letter before). */
static bool is_word_cp(uint32_t cp)
{
    if (cp < 0x80)
        return is_ascii_alnum(cp) || cp == '_';
    if (is_combining(cp))
        return true;
    return (cp >= 0x00C0 && cp <= 0x024F && cp != 0x00D7 && cp != 0x00F7) ||
           (cp >= 0x1E00 && cp <= 0x1EFF);
}

static bool is_space_cp(uint32_t cp) { return cp == ' ' || cp == '\t' || cp == 0x00A0; }

/* ---- E-mail addresses ---------------------------------------------------------- */

static bool email_local_char(unsigned char c)
{
    return is_ascii_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

static bool email_domain_char(unsigned char c) { return is_ascii_alnum(c) || c == '-'; }

static void find_emails(const unsigned char *s, size_t len, spans_t *out)
{
    for (size_t at = 0; at < len; at++) {
        size_t l, r, last_label = 0, dots = 0, label_start;
        bool tld_alpha;

        if (s[at] != '@')
            continue;
        l = at;
        while (l > 0 && email_local_char(s[l - 1]))
            l--;
        while (l < at && s[l] == '.')
            l++;
        if (l == at)
            continue;
        r = at + 1;
        label_start = r;
        for (;;) {
            size_t b = r;

            while (r < len && email_domain_char(s[r]))
                r++;
            if (r == b)
                break; /* empty label */
            last_label = b;
            label_start = r;
            if (r + 1 < len && s[r] == '.' && email_domain_char(s[r + 1])) {
                dots++;
                r++;
                continue;
            }
            break;
        }
        if (dots == 0 || label_start - last_label < 2)
            continue;
        tld_alpha = true;
        for (size_t k = last_label; k < label_start; k++)
            tld_alpha &= (s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z');
        if (!tld_alpha)
            continue;
        spans_add(out, l, label_start);
    }
}

/* ---- Phone numbers and ids --------------------------------------------------------- */

typedef struct {
    char digits[MAX_RUN_DIGITS + 1];
    size_t n; /* digits seen (may exceed what is kept) */
    size_t groups;
    size_t first_group;
    bool other_groups_3; /* every group after the first has 3 digits */
    bool dot, space, dash, paren, plus;
} run_t;

static bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* Whether the letters at @i (after spaces) are a currency or unit word:
 * then the number before them is an amount. */
static bool currency_follows(const unsigned char *s, size_t len, size_t i)
{
    static const char *const words[] = {
        "đồng", "đ",    "vnđ", "vnd", "triệu", "tỷ", "tỉ",  "nghìn", "ngàn",  "usd",
        "%",    "Đồng", "VNĐ", "VND", "Triệu", "Tỷ", "USD", "ĐỒNG",  "TRIỆU",
    };

    while (i < len && s[i] == ' ')
        i++;
    for (size_t w = 0; w < CC_N(words); w++) {
        size_t wl = strlen(words[w]);
        uint32_t next = 0;

        if (i + wl > len || memcmp(s + i, words[w], wl) != 0)
            continue;
        if (i + wl < len)
            u8_at(s, len, i + wl, &next);
        if (!is_word_cp(next) || strcmp(words[w], "%") == 0)
            return true;
    }
    return false;
}

/* Is the code point before @i part of a word or code glued to the run? */
static bool glued_before(const unsigned char *s, size_t i)
{
    uint32_t cp;
    size_t p;

    if (i == 0)
        return false;
    p = u8_prev(s, i);
    u8_at(s, i, p, &cp);
    if (is_word_cp(cp))
        return true;
    /* "H19-230515", "15/05", "000.00.14": a separator right after a letter
     * or digit joins the run to a code. */
    if ((cp == '-' || cp == '/' || cp == '.') && p > 0) {
        uint32_t c2;

        u8_at(s, p, u8_prev(s, p), &c2);
        return is_word_cp(c2);
    }
    return false;
}

/* Is the text at @e (right after a run) glued to it? */
static bool glued_after(const unsigned char *s, size_t len, size_t e)
{
    uint32_t cp, c2 = 0;
    size_t n;

    if (e >= len)
        return false;
    n = u8_at(s, len, e, &cp);
    if (is_word_cp(cp))
        return true;
    if (e + n < len)
        u8_at(s, len, e + n, &c2);
    if ((cp == '-' || cp == '/') && is_word_cp(c2))
        return true; /* a code or a date goes on */
    if ((cp == ',' || cp == ':' || cp == '.') && is_digit((unsigned char)c2))
        return true; /* decimals, times */
    return false;
}

/* Read the digit groups from @i; returns the end of the run. */
static size_t read_run(const unsigned char *s, size_t len, size_t i, run_t *run)
{
    bool in_paren = false;

    memset(run, 0, sizeof(*run));
    run->other_groups_3 = true;
    if (s[i] == '(') {
        in_paren = true;
        i++;
    }
    if (s[i] == '+') {
        run->plus = true;
        i++;
    }
    for (;;) {
        size_t g = 0;

        while (i < len && is_digit(s[i])) {
            if (run->n < MAX_RUN_DIGITS)
                run->digits[run->n] = (char)s[i];
            run->n++;
            g++;
            i++;
        }
        if (run->groups == 0)
            run->first_group = g;
        else if (g != 3)
            run->other_groups_3 = false;
        run->groups++;
        if (i >= len)
            break;
        if (in_paren && s[i] == ')') {
            size_t k = i + 1;

            if (k < len && s[k] == ' ')
                k++;
            if (k < len && is_digit(s[k])) {
                run->paren = true;
                in_paren = false;
                i = k;
                continue;
            }
            break;
        }
        if ((s[i] == ' ' || s[i] == '.' || s[i] == '-') && i + 1 < len && is_digit(s[i + 1])) {
            run->space |= s[i] == ' ';
            run->dot |= s[i] == '.';
            run->dash |= s[i] == '-';
            i++;
            continue;
        }
        if (s[i] == 0xC2 && i + 2 < len && s[i + 1] == 0xA0 && is_digit(s[i + 2])) {
            run->space = true; /* no-break space */
            i += 2;
            continue;
        }
        break;
    }
    run->digits[run->n < MAX_RUN_DIGITS ? run->n : MAX_RUN_DIGITS] = '\0';
    return i;
}

/* Digits of the caller's phone as logged ("" if none). */
static void phone_digits(const char *phone, char *out, size_t size)
{
    size_t n = 0;

    for (; phone && *phone && n + 1 < size; phone++)
        if (is_digit((unsigned char)*phone))
            out[n++] = *phone;
    out[n] = '\0';
}

static bool same_phone(const char *d, const char *p)
{
    if (p[0] == '\0' || strlen(p) < 6)
        return false;
    if (strcmp(d, p) == 0)
        return true;
    if (p[0] == '0' && strncmp(d, "84", 2) == 0 && strcmp(d + 2, p + 1) == 0)
        return true;
    if (strncmp(p, "84", 2) == 0 && d[0] == '0' && strcmp(d + 1, p + 2) == 0)
        return true;
    return false;
}

static bool personal_number(const run_t *run, const char *caller_phone, bool amount_context)
{
    const char *d = run->digits;
    size_t n = run->n;
    bool amount_form = run->dot && !run->space && !run->dash && !run->paren && !run->plus &&
                       run->first_group >= 1 && run->first_group <= 3 && d[0] != '0' &&
                       run->other_groups_3;

    if (n > MAX_RUN_DIGITS)
        return false;
    if (same_phone(d, caller_phone))
        return true;
    if (amount_form || amount_context)
        return false;
    if (run->plus)
        return n >= 8 && n <= 15; /* any international number */
    if (d[0] == '0' && (n == 10 || n == 11))
        return true; /* mobile 0912345678, landline 02513822123 */
    if (strncmp(d, "84", 2) == 0 && (n == 11 || n == 12))
        return true;          /* 84912345678 */
    return n == 9 || n == 12; /* CMND, CCCD */
}

static void find_numbers(const unsigned char *s, size_t len, const char *caller_phone, spans_t *out)
{
    size_t i = 0;

    while (i < len) {
        size_t start = i, end;
        run_t run;

        if (!(is_digit(s[i]) || (s[i] == '+' && i + 1 < len && is_digit(s[i + 1])) ||
              (s[i] == '(' && i + 1 < len && (is_digit(s[i + 1]) || s[i + 1] == '+')))) {
            i++;
            continue;
        }
        end = read_run(s, len, i, &run);
        if (end <= i + (s[i] == '(' ? 1 : 0) + (run.plus ? 1 : 0)) {
            i++;
            continue;
        }
        if (s[start] == '(' && !run.paren)
            start++; /* "(0912...": the parenthesis is punctuation */
        if (!glued_before(s, start) && !glued_after(s, len, end) &&
            personal_number(&run, caller_phone, currency_follows(s, len, end)))
            spans_add(out, start, end);
        i = end > i ? end : i + 1;
    }
}

/* ---- The caller's name ------------------------------------------------------------- */

/* The name's folded code points; runs of spaces become one ' '. Returns
 * the count, 0 when the name is unusable. */
static size_t name_key(const char *name, uint32_t *key, size_t max)
{
    const unsigned char *s = (const unsigned char *)name;
    size_t len = name ? strlen(name) : 0, n = 0, letters = 0;

    for (size_t i = 0; i < len;) {
        uint32_t cp;

        i += u8_at(s, len, i, &cp);
        if (is_combining(cp))
            continue;
        if (is_space_cp(cp) || cp == '\n' || cp == '\r') {
            if (n > 0 && key[n - 1] != ' ' && n < max)
                key[n++] = ' ';
            continue;
        }
        if (n == max)
            return 0; /* longer than any name we log: do not guess */
        key[n++] = fold(cp);
        letters += is_word_cp(cp);
    }
    while (n > 0 && key[n - 1] == ' ')
        n--;
    return letters >= 2 ? n : 0;
}

/* Match @key at @i; returns the end of the match or 0. */
static size_t match_name(const unsigned char *s, size_t len, size_t i, const uint32_t *key,
                         size_t nkey)
{
    size_t k = 0;
    uint32_t cp;

    while (k < nkey) {
        size_t n;

        if (i >= len)
            return 0;
        n = u8_at(s, len, i, &cp);
        if (is_combining(cp) && k > 0) {
            i += n; /* an accent of the letter before (NFD) */
            continue;
        }
        if (key[k] == ' ') {
            if (!is_space_cp(cp))
                return 0;
            while (i < len && (n = u8_at(s, len, i, &cp), is_space_cp(cp)))
                i += n;
            k++;
            continue;
        }
        if (fold(cp) != key[k])
            return 0;
        i += n;
        k++;
    }
    /* Accents of the last letter (NFD) belong to the match. */
    while (i < len) {
        size_t n = u8_at(s, len, i, &cp);

        if (!is_combining(cp))
            break;
        i += n;
    }
    if (i < len) {
        u8_at(s, len, i, &cp);
        if (is_word_cp(cp))
            return 0; /* "An" inside "Anh" */
    }
    return i;
}

static void find_name(const unsigned char *s, size_t len, const char *name, spans_t *out)
{
    uint32_t key[MAX_NAME_CPS];
    size_t nkey = name_key(name, key, CC_N(key));
    bool boundary = true;

    if (nkey == 0)
        return;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = u8_at(s, len, i, &cp);
        size_t end;

        if (boundary && (end = match_name(s, len, i, key, nkey)) > 0) {
            spans_add(out, i, end);
            i = end;
            boundary = false;
            continue;
        }
        boundary = !is_word_cp(cp);
        i += n;
    }
}

/* ---- Every name the caller's name field carries --------------------------------------- */

/* A caller's name field may hold several names ("Nguyễn Văn An, Trần Thị
 * Bình", "... và ..."): each is matched whole, and its given name (the
 * last word) after a form of address ("ông An", "chị Bình"). */
#define MAX_NAMES 8

/* Honorifics, folded (diacritics and case ignored, as the text may lack
 * them): ông, bà, anh, chị, em, cô, chú, bác, cậu, dì, cháu, cụ, bạn. */
static const char *const honorifics[] = { "ong", "ba",  "anh", "chi",  "em", "co", "chu",
                                          "bac", "cau", "di",  "chau", "cu", "ban" };

/* The folded ASCII form of the word at @i (letters and digits; stops at
 * the first other code point) into @out; returns the word's end, @i when
 * there is no word there. A letter that folds to no ASCII letter makes
 * @out "" (no keyword has one). */
static size_t word_folded(const unsigned char *s, size_t len, size_t i, char *out, size_t size)
{
    size_t n = 0;
    bool ascii = true;

    while (i < len) {
        uint32_t cp;
        size_t k = u8_at(s, len, i, &cp);

        if (!is_word_cp(cp) || cp == '_')
            break;
        i += k;
        if (is_combining(cp))
            continue;
        cp = fold(cp);
        if (cp >= 0x80)
            ascii = false;
        else if (n + 1 < size)
            out[n++] = (char)cp;
    }
    out[ascii ? n : 0] = '\0';
    return i;
}

static bool in_list(const char *w, const char *const *list, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (strcmp(w, list[k]) == 0)
            return true;
    return false;
}

/* Split @names into the names it carries (separators , ; / & + and the
 * word "và"/"and"); each is NUL-terminated in @buf. Returns how many. */
static size_t split_names(const char *names, char *buf, size_t size, const char **out, size_t max)
{
    size_t n = 0, o = 0, len = names ? strlen(names) : 0;
    const unsigned char *s = (const unsigned char *)names;
    bool boundary = true;

    if (len == 0 || len >= size)
        return 0;
    out[n++] = buf;
    for (size_t i = 0; i < len;) {
        char w[8];
        size_t end = boundary ? word_folded(s, len, i, w, sizeof(w)) : i;

        if (strchr(",;/&+\n", names[i]) ||
            (boundary && end > i && (strcmp(w, "va") == 0 || strcmp(w, "and") == 0))) {
            buf[o++] = '\0';
            if (n < max)
                out[n++] = buf + o;
            i = strchr(",;/&+\n", names[i]) ? i + 1 : end;
            boundary = true;
            continue;
        }
        boundary = names[i] == ' ' || names[i] == '\t';
        buf[o++] = names[i++];
    }
    buf[o] = '\0';
    return n;
}

/* The given name of @name: its last word, when it has two words or more. */
static const char *given_name(const char *name)
{
    const char *last = NULL;
    bool in_word = false, two = false;

    for (const char *p = name; *p; p++) {
        bool space = *p == ' ' || *p == '\t';

        if (!space && !in_word) {
            two |= last != NULL;
            last = p;
        }
        in_word = !space;
    }
    return two ? last : NULL;
}

/* @given (a key of name_key()) right after a form of address. */
static void find_given(const unsigned char *s, size_t len, const uint32_t *key, size_t nkey,
                       spans_t *out)
{
    bool boundary = true;

    for (size_t i = 0; i < len;) {
        char w[8];
        size_t end = boundary ? word_folded(s, len, i, w, sizeof(w)) : i;
        uint32_t cp;

        if (end > i && in_list(w, honorifics, CC_N(honorifics))) {
            size_t j = end, m;

            while (j < len && (m = u8_at(s, len, j, &cp), is_space_cp(cp)))
                j += m;
            if (j > end && (m = match_name(s, len, j, key, nkey)) > 0)
                spans_add(out, j, m);
            i = end;
            boundary = false;
            continue;
        }
        i += u8_at(s, len, i, &cp);
        boundary = !is_word_cp(cp);
    }
}

static void find_names(const unsigned char *s, size_t len, const char *names, spans_t *out)
{
    char buf[1024];
    const char *name[MAX_NAMES];
    size_t n = split_names(names, buf, sizeof(buf), name, MAX_NAMES);

    for (size_t i = 0; i < n; i++) {
        const char *given = given_name(name[i]);
        uint32_t key[MAX_NAME_CPS];
        size_t nkey;

        find_name(s, len, name[i], out);
        if (given && (nkey = name_key(given, key, CC_N(key))) > 0)
            find_given(s, len, key, nkey, out);
    }
}

/* ---- Street addresses ---------------------------------------------------------------- */

/*
 * An address is found by what makes it a person's: a house number ("số
 * nhà 12", "nhà số 7", "số 12 đường …", "12 đường …", "45/2/1 hẻm 7 …",
 * "ở 123 Võ Thị Sáu", "địa chỉ: 123 …") or a residential subdivision ("tổ
 * 5", "ấp Hưng Phát", "khu phố 3", "KP 3", "thôn 2", "xóm Mới"). It goes on
 * over the streets, subdivisions and the ward or commune that follow
 * ("đường Võ Thị Sáu, phường Thống Nhất"), and stops before the district,
 * city or province, which name no one. Keywords are matched folded
 * (diacritics and case ignored, as texts are often typed without them); a
 * name after a keyword is a run of capitalized words or numbers. A ward or
 * commune alone ("UBND phường Tân Phong") is no address.
 */
typedef enum { TK_WORD, TK_COMMA, TK_DOT, TK_STOP } tk_kind_t;

typedef struct {
    size_t start, end;
    tk_kind_t kind;
    bool cap;    /* starts with an upper-case letter */
    bool number; /* starts with a digit: 12, 12/3, 45/2A */
    char w[16];  /* folded */
} token_t;

static bool is_upper_cp(uint32_t cp)
{
    if (cp >= 'A' && cp <= 'Z')
        return true;
    if (cp >= 0xC0 && cp <= 0xDE)
        return cp != 0xD7;
    if (cp >= 0x100 && cp <= 0x17F)
        return cp % 2 == 0;
    if (cp == 0x1A0 || cp == 0x1AF)
        return true; /* Ơ, Ư */
    return cp >= 0x1EA0 && cp <= 0x1EF9 && cp % 2 == 0;
}

static size_t tokenize(const unsigned char *s, size_t len, token_t *t, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < len && n < max;) {
        uint32_t cp;
        size_t k = u8_at(s, len, i, &cp);

        if (is_space_cp(cp)) {
            i += k;
            continue;
        }
        memset(&t[n], 0, sizeof(t[n]));
        t[n].start = i;
        if (is_word_cp(cp) && !is_combining(cp)) {
            size_t e = word_folded(s, len, i, t[n].w, sizeof(t[n].w));

            /* "12/3", "45/2/1": a number and the parts after its slashes. */
            while (e + 1 < len && s[e] == '/' && is_digit(s[i]) && is_ascii_alnum(s[e + 1]))
                e = word_folded(s, len, e + 1, t[n].w + strlen(t[n].w),
                                sizeof(t[n].w) - strlen(t[n].w));
            t[n].kind = TK_WORD;
            t[n].cap = is_upper_cp(cp);
            t[n].number = is_digit(s[i]);
            t[n].end = e;
            i = e;
        } else {
            t[n].kind = cp == ',' ? TK_COMMA : cp == '.' ? TK_DOT : TK_STOP;
            t[n].end = i + k;
            i += k;
        }
        n++;
    }
    return n;
}

static const char *const streets[] = { "duong", "pho", "hem", "ngo", "kiet", "ngach", "dg" };
static const char *const subdivisions[] = { "to", "ap", "kp", "thon", "xom", "khom" };
static const char *const wards[] = { "phuong", "xa", "p" };

static bool word_is(const token_t *t, size_t n, size_t i, const char *w)
{
    return i < n && t[i].kind == TK_WORD && strcmp(t[i].w, w) == 0;
}

static bool word_in(const token_t *t, size_t n, size_t i, const char *const *list, size_t m)
{
    return i < n && t[i].kind == TK_WORD && in_list(t[i].w, list, m);
}

/* A name after a keyword at @i: capitalized words and numbers. Returns
 * the token after it, @i when there is none. */
static size_t name_run(const token_t *t, size_t n, size_t i)
{
    while (i < n && t[i].kind == TK_WORD && (t[i].cap || t[i].number))
        i++;
    return i;
}

/* A keyword that goes on an address at @i ("đường", "khu phố", "P.",
 * "thị trấn"), followed by its name: returns the token after the name, or
 * @i when there is none. */
static size_t keyword_part(const token_t *t, size_t n, size_t i)
{
    size_t j;

    if (word_is(t, n, i, "khu") && word_is(t, n, i + 1, "pho"))
        j = i + 2;
    else if (word_is(t, n, i, "thi") && word_is(t, n, i + 1, "tran"))
        j = i + 2;
    else if (word_in(t, n, i, streets, CC_N(streets)) ||
             word_in(t, n, i, subdivisions, CC_N(subdivisions)) ||
             word_in(t, n, i, wards, CC_N(wards)))
        j = i + 1;
    else
        return i;
    if (j < n && t[j].kind == TK_DOT && t[j - 1].end - t[j - 1].start <= 2)
        j++; /* "P.", "KP." */
    return name_run(t, n, j) > j ? name_run(t, n, j) : i;
}

/* Where an address starts at @i: returns the token after its house number
 * or first subdivision, or @i when none starts there. */
static size_t address_start(const token_t *t, size_t n, size_t i)
{
    static const char *const context[] = { "o", "tai", "chi", "nha", "tru" };
    size_t j;

    if (word_is(t, n, i, "so") && word_is(t, n, i + 1, "nha") && i + 2 < n && t[i + 2].number)
        return i + 3; /* số nhà 12 */
    if (word_is(t, n, i, "nha") && word_is(t, n, i + 1, "so") && i + 2 < n && t[i + 2].number)
        return i + 3; /* nhà số 7 */
    if (word_is(t, n, i, "so") && i + 1 < n && t[i + 1].number &&
        (word_in(t, n, i + 2, streets, CC_N(streets)) ||
         word_in(t, n, i + 2, subdivisions, CC_N(subdivisions))))
        return i + 2; /* số 12 đường ... */
    if (i < n && t[i].number && t[i].kind == TK_WORD) {
        if (word_in(t, n, i + 1, streets, CC_N(streets)))
            return i + 1;                                  /* 12 đường ..., 45/2/1 hẻm 7 */
        j = i > 0 && t[i - 1].kind == TK_STOP ? i - 1 : i; /* "địa chỉ: 123" */
        if (j > 0 && word_in(t, n, j - 1, context, CC_N(context)) && i + 1 < n &&
            t[i + 1].kind == TK_WORD && t[i + 1].cap)
            return i + 1; /* ở 123 Võ Thị Sáu */
    }
    if (word_in(t, n, i, subdivisions, CC_N(subdivisions)) ||
        (word_is(t, n, i, "khu") && word_is(t, n, i + 1, "pho")))
        return keyword_part(t, n, i); /* tổ 5, ấp Hưng Phát, khu phố 3 */
    return i;
}

static void find_addresses(const unsigned char *s, size_t len, spans_t *out)
{
    token_t *t = cc_xmalloc((len + 1) * sizeof(*t)); /* a token has a byte at least */
    size_t n = tokenize(s, len, t, len + 1);

    for (size_t i = 0; i < n;) {
        size_t j = address_start(t, n, i), last, k;

        if (j == i) {
            i++;
            continue;
        }
        /* A street name right after the house number: "123 Võ Thị Sáu". */
        j = name_run(t, n, j);
        last = j;
        for (;;) {
            size_t from = j < n && t[j].kind == TK_COMMA ? j + 1 : j;

            if ((k = keyword_part(t, n, from)) == from)
                break;
            j = last = k;
        }
        spans_add(out, t[i].start, t[last - 1].end);
        i = last;
    }
    free(t);
}

/* ---- Assembly ------------------------------------------------------------------------- */

static int span_cmp(const void *a, const void *b)
{
    const span_t *x = a, *y = b;

    return x->start < y->start ? -1 : x->start > y->start ? 1 : 0;
}

int cc_redact(const char *text, size_t len, const char *name, const char *phone, char **ret_text,
              unsigned *ret_count)
{
    const unsigned char *s = (const unsigned char *)text;
    const size_t mlen = strlen(CC_REDACTED);
    spans_t sp = { NULL, 0, 0 };
    char pdigits[32];
    unsigned count = 0;
    size_t o = 0, at = 0;
    char *out;

    if (text == NULL || ret_text == NULL || len > CC_REDACT_MAX_INPUT)
        return -EINVAL;
    phone_digits(phone, pdigits, sizeof(pdigits));
    find_emails(s, len, &sp);
    find_numbers(s, len, pdigits, &sp);
    find_names(s, len, name, &sp);
    find_addresses(s, len, &sp);
    if (sp.n > 1)
        qsort(sp.v, sp.n, sizeof(*sp.v), span_cmp);
    out = cc_xmalloc(len + (sp.n + 1) * mlen + 1);
    for (size_t k = 0; k < sp.n;) {
        size_t start = sp.v[k].start, end = sp.v[k].end;

        for (k++; k < sp.n && sp.v[k].start <= end; k++)
            if (sp.v[k].end > end)
                end = sp.v[k].end;
        if (start < at)
            start = at;
        memcpy(out + o, text + at, start - at);
        o += start - at;
        memcpy(out + o, CC_REDACTED, mlen);
        o += mlen;
        at = end;
        count++;
    }
    memcpy(out + o, text + at, len - at);
    o += len - at;
    out[o] = '\0';
    free(sp.v);
    *ret_text = out;
    if (ret_count)
        *ret_count = count;
    return 0;
}
