/*
 * fuzz_push.c - libFuzzer harness of what `cchc push` reads: JSON lines,
 * one event each (tools/cc_json.c, cc_json_event_from_line).
 *
 * The input is split into lines as `cchc push` splits stdin; each line is
 * turned into an event map. Properties:
 *  - the result is 0, -EBADMSG (not JSON, not an object) or -EINVAL (a
 *    value that does not convert), with a reason on failure;
 *  - an accepted line gives one MessagePack map that the strict decoder
 *    accepts (under limits as wide as JSON's: the request limits are
 *    checked later, before sending), and the "eid" reported is its "eid"
 *    (cut to CC_MAX_ID bytes).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "cc_codec.h"
#include "cc_json.h"
#include "fuzz.h"

/* As wide as the JSON the converter takes: whatever it makes must be a
 * well-formed body (UTF-8 strings, unique keys, no bin or ext). */
static const cc_limits_t wide = { SIZE_MAX, CC_JSON_MAX_DEPTH + 1, UINT32_MAX, UINT32_MAX,
                                  UINT32_MAX };

static void one_line(const char *line, size_t len)
{
    char eid[CC_MAX_ID + 1], why[256];
    cc_json_error_t err;
    cc_enc_t out;
    cc_msg_t m;
    int r;

    memset(&err, 0, sizeof(err));
    cc_enc_init(&out);
    r = cc_json_event_from_line(line, len, &out, eid, sizeof(eid), &err);
    CHECK(r == 0 || r == -EBADMSG || r == -EINVAL);
    CHECK(strlen(eid) < sizeof(eid));
    if (r < 0) {
        CHECK(err.why[0] != '\0');
    } else {
        CHECK(cc_body_decode(out.buf.data, out.buf.size, &wide, &m, why, sizeof(why)) == 0);
        CHECK(m.body.type == MSGPACK_OBJECT_MAP);
        if (eid[0]) {
            cc_str_t s;

            CHECK(cc_map_str(&m.body, "eid", &s) == 0 && s.len >= strlen(eid) &&
                  memcmp(s.ptr, eid, strlen(eid)) == 0);
        }
        cc_msg_deinit(&m);
    }
    cc_enc_deinit(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    size_t at = 0;

    while (at < size) {
        const char *nl = memchr(s + at, '\n', size - at);
        size_t len = nl ? (size_t)(nl - (s + at)) : size - at;

        one_line(s + at, len);
        at += len + 1;
    }
    return 0;
}
