/*
 * cchc_keygen.c - `cchc keygen`: CurveZMQ key pairs for daemons and
 * clients (PROTOCOL.md §9).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "cc_curve.h"
#include "cc_time.h"
#include "cchc.h"

const char cchc_help_keygen[] =
    "Usage: cchc keygen NAME [--for=WHO]\n"
    "       cchc keygen --data-key=ID\n"
    "\n"
    "Make a CurveZMQ key pair: NAME.key (public and secret key, mode 0600: keep it\n"
    "secret, on the machine that uses it) and NAME.pub (the public key, to give to\n"
    "whoever must know it). Existing files are never overwritten. Prints the public\n"
    "key.\n"
    "\n"
    "  a daemon's key:  the daemon reads NAME.key (server_key, or the systemd\n"
    "                   credential server.key); its clients get NAME.pub\n"
    "                   (--intake-key=NAME.pub ...)\n"
    "  a client's key:  `cchc --key=NAME.key` (or CCHC_KEY) on the client's machine;\n"
    "                   the operator adds NAME.pub's key to the daemons' principals\n"
    "                   files with its role, name and units\n"
    "\n"
    "  --for=WHO   who the key is for, written in the files' comment line\n"
    "\n"
    "--data-key=ID prints a new line \"ID HEX\" (ID 1..4294967295, a random 32-byte\n"
    "key) for cchc-hotlined's personal data keys (personal_keys, or the credential\n"
    "personal.keys): append it with a higher ID than the others and restart the\n"
    "hotline; it seals with the highest ID and seals the old data again at start.\n";

/* `cchc keygen --data-key=ID`: one line of a personal data key file. */
static int data_key(const char *id_text)
{
    uint8_t key[32];
    uint64_t id;

    if (cc_cli_uint(id_text, 1, UINT32_MAX, &id) < 0)
        return cchc_usage_error("keygen", "--data-key=%s: expected a key ID 1..4294967295",
                                id_text);
    if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key)) {
        fprintf(stderr, "cchc: keygen: no random source: %s\n", strerror(errno));
        return CCHC_EXIT_UNREACHABLE;
    }
    printf("%llu ", (unsigned long long)id);
    for (size_t i = 0; i < sizeof(key); i++)
        printf("%02x", key[i]);
    printf("\n");
    memset(key, 0, sizeof(key));
    return CCHC_EXIT_OK;
}

int cchc_cmd_keygen(const cc_cli_t *cli)
{
    static const char *const allowed[] = { "for=", "data-key=", NULL };
    char key_path[4096], pub_path[4096], comment[256], when[CC_TIME_ISO_LEN], why[512];
    const char *for_who = NULL, *data_id = NULL;
    cc_curve_keypair_t kp;
    int r;

    if (cc_cli_check_opts(cli, allowed, why, sizeof(why)) < 0)
        return cchc_usage_error("keygen", "%s", why);
    if (cc_cli_opt(cli, "data-key", &data_id))
        return cli->n_args ? cchc_usage_error("keygen", "--data-key takes no NAME")
                           : data_key(data_id);
    if (cli->n_args != 1 || cli->args[0][0] == '\0')
        return cchc_usage_error("keygen", "usage: cchc keygen NAME (writes NAME.key and NAME.pub)");
    cc_cli_opt(cli, "for", &for_who);
    if ((size_t)snprintf(key_path, sizeof(key_path), "%s.key", cli->args[0]) >= sizeof(key_path) ||
        (size_t)snprintf(pub_path, sizeof(pub_path), "%s.pub", cli->args[0]) >= sizeof(pub_path))
        return cchc_usage_error("keygen", "NAME is too long");
    if (cc_curve_keypair_new(&kp) < 0) {
        fprintf(stderr, "cchc: this libzmq has no CurveZMQ (built without libsodium)\n");
        return CCHC_EXIT_UNREACHABLE;
    }
    if (cc_time_format_iso(time(NULL), when, sizeof(when)) < 0)
        snprintf(when, sizeof(when), "?");
    snprintf(comment, sizeof(comment), "cchc CurveZMQ key of %.64s, made by cchc keygen on %s",
             for_who ? for_who : cli->args[0], when);
    r = cc_curve_keypair_write(key_path, pub_path, &kp, comment, why, sizeof(why));
    memset(&kp.secret_key, 0, sizeof(kp.secret_key));
    if (r < 0) {
        fprintf(stderr, "cchc: keygen: %s%s\n", why,
                r == -EEXIST ? " (keygen never overwrites a key)" : "");
        return CCHC_EXIT_USAGE;
    }
    printf("%s\n", kp.public_key);
    fprintf(stderr, "cchc: wrote %s (secret, mode 0600) and %s (public)\n", key_path, pub_path);
    return CCHC_EXIT_OK;
}
