/*
 * cc_hotline.c - hotline subcommands to events (see cc_hotline.h).
 *
 * The subcommands are one declarative table: adding an event type is a
 * row, not code.
 */
#include "cc_hotline.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cc_base.h"
#include "cc_vocab.h"

#define MAX_FIELDS 6

/* How one option becomes one event field. */
typedef struct {
    const char *opt; /* option name, without "--" */
    const char *key; /* the event's key */
    bool flag;       /* a flag: true when given (bool field) */
    bool required;
    const cc_vocab_t *vocab; /* an enumeration (its codes from @first), or NULL */
    unsigned first;
} field_t;

/* One event subcommand. */
typedef struct {
    const char *command; /* "contact" or "pakn" */
    const char *sub;     /* "log", "receive", ... */
    const char *type;    /* the event type */
    const char *id_key;  /* the event key of the id ("contact", "pakn") */
    bool id_option;      /* the id comes as --id=, else as the ID operand */
    bool unit_side;      /* what a unit's contact point does */
    field_t fields[MAX_FIELDS];
    const char *usage; /* the subcommand's help */
} sub_t;

#define COMMON_HELP                                                                                \
    "\nEvery event command also takes:\n"                                                          \
    "  --at=TIME       when it happened: ISO 8601 (2025-03-18T09:20:00+07:00) or Unix\n"           \
    "                  seconds; default now\n"                                                     \
    "  --eid=ID        the event id; default <who>-<type>-<id>-<unix ms>. Needs --at.\n"           \
    "                  The same command again (same --eid, --at and options) is\n"                 \
    "                  acknowledged as a duplicate and applied once; the same --eid\n"             \
    "                  with anything else changed is refused (event_id_conflict)\n"                \
    "  --role=ROLE     agent or contact_point (default: contact_point for accept and\n"            \
    "                  answer when --units lists units, else agent)\n"                             \
    "  --json          print the result as one JSON line\n"                                        \
    "Prints one line: \"ok: pakn_assigned PA-1 (seq 12, eid ...): đã ghi nhận / stored\".\n"   \
    "Exit status: 0 stored (or stored before), 1 refused (the reason on stderr), 2 usage,\n"       \
    "3 hotline unreachable (or another daemon at its endpoint), 4 protocol error.\n"

/* One subcommand per entry: kept as a table. */
/* clang-format off */
static const sub_t subs[] = {
    { "contact", "log", "contact", "contact", true, false,
      { { "type", "ctype", false, true, &cc_ctypes, 0 },
        { "channel", "channel", false, true, &cc_hotline_channels, 0 },
        { "unit", "unit", false, false, NULL, 0 },
        { "closed", "closed", true, false, NULL, 0 } },
      "Usage: cchc contact log --id=C-1 --type=information|guidance|postal|pakn\n"
      "                        --channel=phone|email|app|zalo|portal [--unit=U] [--closed]\n"
      "\nLog a 1022 contact (agent): a call, e-mail or message. --closed closes an\n"
      "information or guidance contact at once; --unit names the unit it is about.\n" },
    { "contact", "close", "contact_closed", "contact", false, false, { { 0 } },
      "Usage: cchc contact close ID\n\nClose an open information, guidance or postal contact "
      "(agent).\n" },
    { "pakn", "receive", "pakn_received", "pakn", true, false,
      { { "text", "text", false, true, NULL, 0 },
        { "contact", "contact", false, false, NULL, 0 },
        { "dossier", "dossier", false, false, NULL, 0 },
        { "urgent", "urgent", true, false, NULL, 0 },
        { "caller-name", "caller_name", false, false, NULL, 0 },
        { "caller-phone", "caller_phone", false, false, NULL, 0 } },
      "Usage: cchc pakn receive --id=PA-1 --text=TEXT [--contact=C-1] [--dossier=ID]\n"
      "                         [--urgent] [--caller-name=NAME] [--caller-phone=PHONE]\n"
      "\nRecord a complaint or petition (phản ánh, kiến nghị; agent). --contact names\n"
      "the pakn contact it came from, --dossier the dossier it is about. The text and\n"
      "the caller's details are personal: they stay in the hotline and are removed\n"
      "from anything published.\n" },
    { "pakn", "classify", "pakn_classified", "pakn", false, false,
      { { "category", "category", false, true, &cc_pakn_categories, CC_CATEGORY_PROCEDURE } },
      "Usage: cchc pakn classify ID --category=procedure|conduct|proposal\n"
      "\nClassify a complaint (agent): about a procedure or dossier, about staff\n"
      "conduct, or a proposal. Allowed again to change the category.\n" },
    { "pakn", "assign", "pakn_assigned", "pakn", false, false,
      { { "unit", "unit", false, true, NULL, 0 } },
      "Usage: cchc pakn assign ID --unit=U\n"
      "\nAssign a classified complaint to a unit's contact point (agent): level 2 with\n"
      "its deadline. Assigning again moves it to another unit, keeping the deadline.\n" },
    { "pakn", "forward", "pakn_forwarded", "pakn", false, false,
      { { "outside", "outside", false, true, NULL, 0 } },
      "Usage: cchc pakn forward ID --outside=AGENCY\n"
      "\nForward a complaint outside the province's competence to AGENCY (agent).\n" },
    { "pakn", "refuse", "pakn_refused", "pakn", false, false,
      { { "reason", "reason", false, true, &cc_pakn_refusals, CC_REFUSAL_ANONYMOUS } },
      "Usage: cchc pakn refuse ID --reason=anonymous|unclear|handled|not_pakn|other\n"
      "\nRefuse to take up a complaint not yet assigned (agent; từ chối tiếp nhận):\n"
      "no name or address to answer to, content too unclear, the same matter already\n"
      "answered, a khiếu nại or tố cáo (another law's procedure), or another reason.\n"
      "Final. Late after 2 working days from receipt (policy [pakn]\n"
      "refusal_working_days).\n" },
    { "pakn", "accept", "pakn_accepted", "pakn", false, true, { { 0 } },
      "Usage: cchc pakn accept ID\n"
      "\nThe unit's contact point takes an assigned complaint (role contact_point,\n"
      "--units = your unit).\n" },
    { "pakn", "answer", "pakn_answered", "pakn", false, true,
      { { "text", "answer", false, true, NULL, 0 } },
      "Usage: cchc pakn answer ID --text=ANSWER\n"
      "\nAnswer a complaint: the unit's contact point (role contact_point, --units =\n"
      "your unit), or the hotline itself at level 1 (--role=agent, a complaint with\n"
      "no unit). The answer is published redacted by `cchc pakn publish`.\n" },
    { "pakn", "publish", "pakn_published", "pakn", false, false, { { 0 } },
      "Usage: cchc pakn publish ID\n"
      "\nPublish the answer (agent), with phone numbers, e-mail addresses, ids and the\n"
      "caller's name removed.\n" },
    { "pakn", "close", "pakn_closed", "pakn", false, false, { { 0 } },
      "Usage: cchc pakn close ID\n\nClose a published or forwarded complaint (agent).\n" },
    { "pakn", "reopen", "pakn_reopened", "pakn", false, false, { { 0 } },
      "Usage: cchc pakn reopen ID\n"
      "\nThe citizen is not satisfied (agent): back to the unit (or the hotline) with a\n"
      "new deadline at the complaint's level.\n" },
};
/* clang-format on */

static const char help_contact[] =
    "Usage: cchc contact log|close ...   (1022 agents)\n"
    "\n"
    "  contact log --id=C-1 --type=information|guidance|postal|pakn\n"
    "              --channel=phone|email|app|zalo|portal [--unit=U] [--closed]\n"
    "  contact close ID\n"
    "Run `cchc contact SUB --help` for one subcommand.\n" COMMON_HELP;

static const char help_pakn[] =
    "Usage: cchc pakn SUBCOMMAND ...   (complaints and petitions, PAKN)\n"
    "\n"
    "Agents (role agent):\n"
    "  pakn receive --id=PA-1 --text=... [--contact=C-1] [--dossier=ID] [--urgent]\n"
    "               [--caller-name=...] [--caller-phone=...]\n"
    "  pakn classify ID --category=procedure|conduct|proposal\n"
    "  pakn assign ID --unit=U\n"
    "  pakn forward ID --outside=AGENCY\n"
    "  pakn refuse ID --reason=anonymous|unclear|handled|not_pakn|other\n"
    "  pakn publish ID | pakn close ID | pakn reopen ID\n"
    "Unit contact points (role contact_point, --units=YOUR-UNIT):\n"
    "  pakn accept ID\n"
    "  pakn answer ID --text=...        (--role=agent: a level-1 answer by the hotline)\n"
    "Anyone allowed to see the complaint:\n"
    "  pakn show ID [--json]            state, level, unit, due, answer and history\n"
    "  pakn open --unit=U [--json]      the unit's open complaints by due date\n"
    "                                   (--unit=- : those not yet assigned)\n"
    "Run `cchc pakn SUB --help` for one subcommand.\n" COMMON_HELP;

static const char cc_hotline_help_show[] =
    "Usage: cchc pakn show ID [--json] [--role=ROLE]\n"
    "\n"
    "A complaint from cchc-hotlined (QUERY pakn): state, level, unit, due date,\n"
    "category, urgent, dossier, the published answer, then its history (seq, time,\n"
    "type, by, state and what changed). Agents and operators see the text and the\n"
    "answer as logged; contact points and supervisors only their units' complaints,\n"
    "with personal data removed. --json prints the daemon's answer as JSON (times in\n"
    "Unix seconds). --role: agent, contact_point, supervisor or operator (default\n"
    "contact_point when --units lists units, else agent).\n";

static const char cc_hotline_help_open[] =
    "Usage: cchc pakn open --unit=U [--max=N] [--json] [--role=ROLE]\n"
    "\n"
    "A unit's open complaints (QUERY pakn_open), earliest due first: one line each\n"
    "with the due time, level, state, id, and \"urgent\" / \"OVERDUE\" marks.\n"
    "--unit=- lists the complaints not yet assigned to a unit. --max: 1..1000\n"
    "(default 200). --json prints the daemon's answer as JSON.\n";

static const sub_t *find_sub(const cc_cli_t *cli)
{
    if (cli->command == NULL || cli->n_args == 0)
        return NULL;
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
        if (strcmp(subs[i].command, cli->command) == 0 && strcmp(subs[i].sub, cli->args[0]) == 0)
            return &subs[i];
    return NULL;
}

bool cc_hotline_is_event(const cc_cli_t *cli) { return find_sub(cli) != NULL; }

const char *cc_hotline_help(const cc_cli_t *cli)
{
    const sub_t *s = find_sub(cli);
    bool pakn = cli->command && strcmp(cli->command, "pakn") == 0;

    if (s)
        return s->usage;
    if (pakn && cli->n_args > 0 && strcmp(cli->args[0], "show") == 0)
        return cc_hotline_help_show;
    if (pakn && cli->n_args > 0 && strcmp(cli->args[0], "open") == 0)
        return cc_hotline_help_open;
    return pakn ? help_pakn : help_contact;
}

int cc_hotline_role(const cc_cli_t *cli, bool unit_side, bool query, const char **ret, char *err,
                    size_t err_len)
{
    static const char *const roles[] = { "agent", "contact_point", "supervisor", "operator" };
    const char *v;

    if (cc_cli_opt(cli, "role", &v)) {
        size_t n = query ? 4 : 2;

        for (size_t i = 0; v && i < n; i++)
            if (strcmp(v, roles[i]) == 0) {
                *ret = roles[i];
                return 0;
            }
        return cc_fail(-EINVAL, err, err_len, "--role=%s: expected %s", v ? v : "",
                       query ? "agent, contact_point, supervisor or operator"
                             : "agent or contact_point");
    }
    *ret = unit_side && strcmp(cli->units, "*") != 0 ? roles[1] : roles[0];
    return 0;
}

/* 1..CC_MAX_ID printable ASCII without space. */
static bool valid_id(const char *s)
{
    size_t n = 0;

    for (; s && s[n]; n++)
        if ((unsigned char)s[n] <= ' ' || (unsigned char)s[n] >= 0x7f)
            return false;
    return n >= 1 && n <= CC_MAX_ID;
}

static uint64_t fnv1a(uint64_t h, const char *s)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

int cc_hotline_eid(const char *who, const char *type, const char *id, uint64_t unix_ms, char *buf,
                   size_t len)
{
    int n;

    if (len < CC_MAX_ID + 1)
        return -EINVAL;
    n = snprintf(buf, len, "%s-%s-%s-%llu", who, type, id, (unsigned long long)unix_ms);
    if (n >= 0 && n <= CC_MAX_ID)
        return 0;
    /* Too long: keep who and time readable, hash the rest ("-" keeps the
     * two parts apart so that "a"+"b-c" and "a-b"+"c" differ). */
    snprintf(buf, len, "%.32s-%016llx-%llu", who,
             (unsigned long long)fnv1a(fnv1a(fnv1a(14695981039346656037ull, type), "\x1f"), id),
             (unsigned long long)unix_ms);
    return 0;
}

/* The options @s takes, and only those: its fields, the common ones and
 * --id= when the id comes that way. */
static int check_options(const cc_cli_t *cli, const sub_t *s, char *err, size_t err_len)
{
    const char *allowed[MAX_FIELDS + 7];
    char names[MAX_FIELDS][40];
    size_t n_allowed = 0;

    for (size_t i = 0; i < MAX_FIELDS && s->fields[i].opt; i++) {
        snprintf(names[i], sizeof(names[i]), "%s%s", s->fields[i].opt,
                 s->fields[i].flag ? "" : "=");
        allowed[n_allowed++] = names[i];
    }
    allowed[n_allowed++] = "at=";
    allowed[n_allowed++] = "eid=";
    allowed[n_allowed++] = "role=";
    allowed[n_allowed++] = "json";
    if (s->id_option)
        allowed[n_allowed++] = "id=";
    allowed[n_allowed] = NULL;
    return cc_cli_check_opts(cli, allowed, err, err_len);
}

/* The id of the contact or complaint: --id= or the ID operand, as @s
 * takes it. */
static int read_id(const cc_cli_t *cli, const sub_t *s, const char **ret_id, char *err,
                   size_t err_len)
{
    const char *id = NULL;

    if (s->id_option) {
        if (cli->n_args != 1)
            return cc_fail(-EINVAL, err, err_len, "%s %s takes no operand (the id is --id=)",
                           s->command, s->sub);
        if (!cc_cli_opt(cli, "id", &id))
            return cc_fail(-EINVAL, err, err_len, "%s %s needs --id=", s->command, s->sub);
    } else {
        if (cli->n_args != 2)
            return cc_fail(-EINVAL, err, err_len, "usage: cchc %s %s ID ...", s->command, s->sub);
        id = cli->args[1];
    }
    if (!valid_id(id))
        return cc_fail(-EINVAL, err, err_len,
                       "'%s' is not an id (1..%d printable characters, no spaces)", id, CC_MAX_ID);
    *ret_id = id;
    return 0;
}

/* The event id: --eid= (with --at, so that running the command again
 * sends the same event), else one made of who, type, id and time. */
static int read_eid(const cc_cli_t *cli, const sub_t *s, const char *id, int64_t now_ms,
                    cc_hotline_event_t *ev, char *err, size_t err_len)
{
    const char *v, *at_opt;

    if (!cc_cli_opt(cli, "eid", &v)) {
        cc_hotline_eid(cli->who, s->type, id, (uint64_t)now_ms, ev->eid, sizeof(ev->eid));
        return 0;
    }
    /* A chosen id is for running the same command again: the time must
     * be the same too, or it is another event (event_id_conflict). */
    if (!cc_cli_opt(cli, "at", &at_opt))
        return cc_fail(-EINVAL, err, err_len,
                       "--eid needs --at: running the command again must send "
                       "the same event, time included");
    if (!valid_id(v))
        return cc_fail(-EINVAL, err, err_len, "--eid=%s: 1..%d printable characters, no spaces", v,
                       CC_MAX_ID);
    snprintf(ev->eid, sizeof(ev->eid), "%s", v);
    return 0;
}

/* The event's head: when (--at, default now), the role, the event id,
 * its type and subject @id. */
static int read_head(const cc_cli_t *cli, const sub_t *s, const char *id, int64_t now_ms,
                     cc_hotline_event_t *ev, char *err, size_t err_len)
{
    const char *v;
    int r;

    ev->at = now_ms / 1000;
    if (cc_cli_opt(cli, "at", &v) && cc_cli_time(v, &ev->at) < 0)
        return cc_fail(-EINVAL, err, err_len,
                       "--at=%s: expected an ISO 8601 time "
                       "(2025-03-18T09:20:00+07:00) or Unix seconds",
                       v);
    if ((r = cc_hotline_role(cli, s->unit_side, false, &ev->role, err, err_len)) < 0 ||
        (r = read_eid(cli, s, id, now_ms, ev, err, err_len)) < 0)
        return r;
    snprintf(ev->type, sizeof(ev->type), "%s", s->type);
    snprintf(ev->subject, sizeof(ev->subject), "%s", id);
    return 0;
}

/* The event's own fields into @pairs: the id under @s's id key, then each
 * field given (required ones must be, enumerations must name a code). */
static int encode_fields(const cc_cli_t *cli, const sub_t *s, const char *id, cc_enc_t *pairs,
                         char *err, size_t err_len)
{
    char vals[128];
    const char *v;

    cc_enc_kv_str(pairs, s->id_key, id);
    for (size_t i = 0; i < MAX_FIELDS && s->fields[i].opt; i++) {
        const field_t *f = &s->fields[i];

        if (!cc_cli_opt(cli, f->opt, &v)) {
            if (f->required)
                return cc_fail(-EINVAL, err, err_len, "%s %s needs --%s=", s->command, s->sub,
                               f->opt);
            continue;
        }
        if (f->flag) {
            cc_enc_kv_bool(pairs, f->key, true);
        } else {
            if (f->vocab && cc_vocab_find(f->vocab, f->first, v, strlen(v)) < 0) {
                cc_vocab_list(f->vocab, f->first, "|", vals, sizeof(vals));
                return cc_fail(-EINVAL, err, err_len, "--%s=%s: expected %s", f->opt, v, vals);
            }
            cc_enc_kv_str(pairs, f->key, v);
        }
    }
    return 0;
}

/* The event into @out: one map of eid, type, time and its fields. */
static void encode_event(cc_enc_t *out, const cc_hotline_event_t *ev, const cc_enc_t *pairs)
{
    size_t map;

    cc_enc_reset(out);
    map = cc_enc_map_open(out);
    cc_enc_kv_str(out, "eid", ev->eid);
    cc_enc_kv_str(out, "type", ev->type);
    cc_enc_kv_i64(out, "at", ev->at);
    cc_enc_raw(out, pairs->buf.data, pairs->buf.size);
    cc_enc_map_close(out, map);
}

int cc_hotline_event_build(const cc_cli_t *cli, int64_t now_ms, cc_enc_t *out,
                           cc_hotline_event_t *ret, char *err, size_t err_len)
{
    const sub_t *s = find_sub(cli);
    cc_hotline_event_t ev;
    const char *id = NULL;
    cc_enc_t pairs;
    int r;

    if (s == NULL)
        return cc_fail(-EINVAL, err, err_len, "unknown %s subcommand '%s'",
                       cli->command ? cli->command : "", cli->n_args ? cli->args[0] : "");
    cc_enc_init(&pairs);
    memset(&ev, 0, sizeof(ev));
    if ((r = check_options(cli, s, err, err_len)) >= 0 &&
        (r = read_id(cli, s, &id, err, err_len)) >= 0 &&
        (r = read_head(cli, s, id, now_ms, &ev, err, err_len)) >= 0 &&
        (r = encode_fields(cli, s, id, &pairs, err, err_len)) >= 0) {
        encode_event(out, &ev, &pairs);
        *ret = ev;
        r = 0;
    }
    cc_enc_deinit(&pairs);
    return r;
}
