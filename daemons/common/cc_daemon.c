/*
 * cc_daemon.c - the shell shared by the three daemons (see cc_daemon.h).
 */
#include "cc_daemon.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "cc_base.h"
#include "cc_clock.h"
#include "cc_log.h"
#include "cc_mem.h"
#include "cc_net.h"
#include "cc_reject.h"
#include "cc_sd.h"

static const cc_field_t query_fields[] = {
    { "rid", CC_T_UINT, true, 0, 0 },
    { "q", CC_T_CODE, true, 0, 0 },
};

static int log_prio(const char *level)
{
    static const struct {
        const char *name;
        int prio;
    } t[] = {
        { "debug", LOG_DEBUG },     { "info", LOG_INFO }, { "notice", LOG_NOTICE },
        { "warning", LOG_WARNING }, { "err", LOG_ERR },
    };

    for (size_t i = 0; i < CC_N(t); i++)
        if (level && strcmp(level, t[i].name) == 0)
            return t[i].prio;
    return -1;
}

int cc_daemon_configure(const char *name, const cc_option_t *table, size_t n, void *settings,
                        cc_daemon_settings_t *common, int argc, char **argv)
{
    char err[1024] = "";
    int prio;
    int r;

    r = cc_config_load(name, table, n, settings, argc, argv, err, sizeof(err));
    cc_log_init(name, LOG_INFO);
    if (r == 1) {
        r = 0; /* --help or --version printed */
        goto stop;
    }
    if (r < 0) {
        cc_log(LOG_ERR, "Failed to read the configuration: %s", err);
        r = 2;
        goto stop;
    }
    if ((prio = log_prio(common->log_level)) < 0) {
        cc_log(LOG_ERR,
               "Failed to read the configuration: log_level '%s' is not one of debug, info, "
               "notice, warning, err",
               common->log_level);
        r = 2;
        goto stop;
    }
    cc_log_init(name, prio);
    if (common->test_clock) {
        cc_clock_test_enable(common->test_clock);
        cc_log(LOG_WARNING, "Running on the TEST CLOCK: time moves only when told to");
    }
    return -1;
stop:
    cc_config_free(table, n, settings);
    return r;
}

int cc_daemon_listen(const cc_daemon_settings_t *set, void *zctx, cc_security_t **ret_sec,
                     void **ret_router, char *err, size_t err_len)
{
    cc_security_opts_t o = { set->security, set->server_key, set->principals };
    const char *const listen[1] = { set->listen };
    int r;

    if ((r = cc_security_open(&o, zctx, listen, 1, ret_sec, err, err_len)) < 0)
        return r;
    *ret_router = cc_socket_new(zctx, ZMQ_ROUTER);
    if (*ret_router && (r = cc_security_server_socket(*ret_sec, *ret_router)) < 0)
        return cc_fail(r, err, err_len, "cannot make the socket a CURVE server: %s",
                       zmq_strerror(-r));
    return cc_socket_bind(*ret_router, set->listen, err, err_len);
}

uint64_t cc_daemon_tick_ms(int64_t tick_ms)
{
    uint64_t wd_ms = cc_sd_watchdog_interval_ms();

    return wd_ms && wd_ms < (uint64_t)tick_ms ? wd_ms : (uint64_t)tick_ms;
}

/* Take the exclusive lock of @state_dir; returns the open lock file or -errno. */
static int lock_state(const char *state_dir, char *err, size_t err_len)
{
    char path[4096], pid[32] = "";
    int fd, r, n;

    snprintf(path, sizeof(path), "%s/lock", state_dir);
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        r = -errno;
        snprintf(err, err_len, "cannot open the lock file %s: %s", path, strerror(-r));
        return r;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        r = errno == EWOULDBLOCK ? -EBUSY : -errno;
        if (r == -EBUSY) {
            ssize_t got = pread(fd, pid, sizeof(pid) - 1, 0);

            pid[got > 0 ? got : 0] = '\0';
            pid[strcspn(pid, "\n")] = '\0';
            snprintf(err, err_len,
                     "state directory %s is in use by another daemon (pid %s holds %s); one "
                     "daemon per state directory",
                     state_dir, pid[0] ? pid : "?", path);
        } else {
            snprintf(err, err_len, "cannot lock %s: %s", path, strerror(-r));
        }
        close(fd);
        return r;
    }
    n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
        r = -errno;
        snprintf(err, err_len, "cannot write the lock file %s: %s", path, strerror(-r));
        close(fd);
        return r;
    }
    return fd;
}

int cc_daemon_state_path(const char *state_dir, char *buf, size_t len, int *ret_lock_fd, char *err,
                         size_t err_len)
{
    int fd;

    if (mkdir(state_dir, 0750) < 0 && errno != EEXIST) {
        int r = -errno;

        snprintf(err, err_len, "cannot create state directory %s: %s", state_dir, strerror(errno));
        return r;
    }
    if ((fd = lock_state(state_dir, err, err_len)) < 0)
        return fd;
    *ret_lock_fd = fd;
    snprintf(buf, len, "%s/db", state_dir);
    return 0;
}

bool cc_daemon_check_fields(void *router, const cc_request_t *req, const cc_field_t *fields,
                            size_t n, const char *what_vi, const char *what_en)
{
    cc_reject_t rej;

    if (!cc_reject_fields(&rej, &req->msg.body, fields, n, what_vi, what_en))
        return true;
    cc_router_error(router, req, rej.code, rej.vi, rej.en, rej.field, NULL);
    return false;
}

void cc_daemon_refuse_message(void *router, const cc_request_t *req, const char *name)
{
    cc_daemon_words_t h = cc_daemon_words(name);
    char vi[512], en[512];
    int type = req->msg.type;

    if (type == CC_MSG_EVENT) {
        snprintf(vi, sizeof(vi),
                 "Đây là %s (%s), không nhận sự kiện: sự kiện hồ sơ gửi đến máy chủ tiếp nhận "
                 "hồ sơ (cchc-intaked), sự kiện 1022 gửi đến máy chủ tổng đài (cchc-hotlined)",
                 h.vi, h.program);
        snprintf(en, sizeof(en),
                 "This is %s, which takes no events: dossier events go to intake "
                 "(cchc-intaked), hotline events to cchc-hotlined",
                 h.program);
    } else if (type == CC_MSG_READ) {
        snprintf(vi, sizeof(vi),
                 "Đây là %s (%s), không có nhật ký để đọc: nhật ký ở cchc-intaked và "
                 "cchc-hotlined",
                 h.vi, h.program);
        snprintf(en, sizeof(en),
                 "This is %s, which has no log to read: the logs are those of cchc-intaked and "
                 "cchc-hotlined",
                 h.program);
    } else {
        snprintf(vi, sizeof(vi),
                 "Loại thông điệp 0x%02x không phải là một yêu cầu ('HELLO', 'EVENT', 'READ', "
                 "'QUERY')",
                 (unsigned)type);
        snprintf(en, sizeof(en),
                 "Message type 0x%02x (%s) is not a request %s takes (HELLO, EVENT, READ, QUERY)",
                 (unsigned)type, cc_msg_type_name(type), h.program);
    }
    cc_router_error(router, req, CC_ERR_UNSUPPORTED, vi, en, NULL, NULL);
}

void cc_daemon_refuse_query(void *router, const cc_request_t *req, const char *name, cc_str_t q)
{
    /* Who answers which query (PROTOCOL.md §2.4, §4, §5). */
    static const struct {
        const char *q, *daemon;
    } owners[] = {
        { "dossier", "intake" },  { "pakn", "hotline" },    { "pakn_open", "hotline" },
        { "erase", "hotline" },   { "report", "scoring" },  { "table", "scoring" },
        { "index", "scoring" },   { "notes", "scoring" },   { "alerts", "scoring" },
        { "watch", "scoring" },   { "unwatch", "scoring" }, { "ack", "scoring" },
        { "rebuild", "scoring" },
    };
    cc_daemon_words_t h = cc_daemon_words(name), t;
    char vi[512], en[512];

    for (size_t i = 0; i < CC_N(owners); i++) {
        if (!cc_str_eq(q, owners[i].q) || strcmp(owners[i].daemon, name) == 0)
            continue;
        t = cc_daemon_words(owners[i].daemon);
        snprintf(vi, sizeof(vi), "Đây là %s (%s); truy vấn '%.*s' gửi đến %s (%s)", h.vi, h.program,
                 (int)q.len, q.ptr, t.vi, t.program);
        snprintf(en, sizeof(en), "This is %s; '%.*s' is a query for %s", h.program, (int)q.len,
                 q.ptr, t.program);
        cc_router_error(router, req, CC_ERR_UNSUPPORTED, vi, en, "q", NULL);
        return;
    }
    snprintf(vi, sizeof(vi), "Không có truy vấn '%.*s'", (int)q.len, q.ptr);
    snprintf(en, sizeof(en), "Unknown query '%.*s'", (int)q.len, q.ptr);
    cc_router_error(router, req, CC_ERR_UNSUPPORTED, vi, en, "q", NULL);
}

static void send_enc(void *router, const cc_request_t *req, cc_msg_type_t type, cc_enc_t *e)
{
    cc_router_send(router, req->id, req->id_len, type, e->buf.data, e->buf.size);
}

int cc_daemon_hello(void *router, cc_security_t *sec, cc_sessions_t *sessions,
                    const cc_request_t *req, const char *name, uint64_t head)
{
    cc_principal_t *p = NULL;
    const char *field = NULL;
    cc_err_t code;
    char why[256];
    cc_enc_t e;
    int r;

    if ((r = cc_security_hello(sec, req, &p, &code, &field, why, sizeof(why))) < 0) {
        cc_router_error(router, req, code,
                        code == CC_ERR_NOT_AUTHORIZED
                            ? "Lời chào (HELLO) vượt quá quyền của khóa kết nối"
                            : "Lời chào (HELLO) không hợp lệ",
                        why, field, NULL);
        if (code == CC_ERR_NOT_AUTHORIZED)
            cc_log_kv(LOG_WARNING, "CLIENT_KEY", req->user_id, NULL, NULL, "Refused a HELLO: %s",
                      why);
        return r;
    }
    cc_log_kv(LOG_INFO, "PRINCIPAL", p->who, "ROLE", cc_role_name(p->role),
              "Connection identified as %s %s (%zu units%s)", cc_role_name(p->role), p->who,
              p->n_units, p->all_units ? ", all" : "");
    if (cc_sessions_put(sessions, req->id, req->id_len, p) < 0) {
        cc_router_error(router, req, CC_ERR_OVERLOADED, "Quá nhiều kết nối", "Too many connections",
                        NULL, NULL);
        return -ENOSPC;
    }
    cc_enc_init(&e);
    cc_enc_map(&e, 4);
    cc_enc_kv_u64(&e, "rid", req->rid);
    cc_enc_kv_str(&e, "daemon", name);
    cc_enc_kv_u64(&e, "version", CC_PROTO_VERSION);
    cc_enc_kv_u64(&e, "head", head);
    send_enc(router, req, CC_MSG_RESULT, &e);
    cc_enc_deinit(&e);
    return 0;
}

void cc_daemon_reply_ok(void *router, const cc_request_t *req, const char *name)
{
    cc_enc_t e;

    cc_enc_init(&e);
    cc_enc_map(&e, 4);
    cc_enc_kv_u64(&e, "rid", req->rid);
    cc_enc_kv_str(&e, "daemon", name);
    cc_enc_kv_i64(&e, "now", cc_clock_now());
    cc_enc_kv_bool(&e, "test_clock", cc_clock_is_test());
    send_enc(router, req, CC_MSG_RESULT, &e);
    cc_enc_deinit(&e);
}

/* Open (making what is missing, mode 0700) the directory @rel below the
 * open directory @dir_fd, one component at a time and never through a
 * symbolic link; "." and ".." are refused. Takes @dir_fd over. Returns the
 * directory's descriptor or -errno (-EPERM for a forbidden component). */
static int open_below(int dir_fd, const char *rel, char *why, size_t why_len)
{
    char comp[256];

    while (*rel) {
        size_t n = strcspn(rel, "/");
        int next;

        if (n == 0) {
            rel++;
            continue;
        }
        if (n >= sizeof(comp) || (n == 1 && rel[0] == '.') || (n == 2 && !strncmp(rel, "..", 2))) {
            close(dir_fd);
            return cc_fail(-EPERM, why, why_len, "'.' and '..' are not allowed in the path");
        }
        memcpy(comp, rel, n);
        comp[n] = '\0';
        if (mkdirat(dir_fd, comp, 0700) < 0 && errno != EEXIST) {
            int r = -errno;

            close(dir_fd);
            return cc_fail(r, why, why_len, "cannot create %s: %s", comp, strerror(-r));
        }
        next = openat(dir_fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0) {
            int r = errno == ELOOP || errno == ENOTDIR ? -EPERM : -errno;

            close(dir_fd);
            return cc_fail(r, why, why_len, "%s is %s", comp,
                           r == -EPERM ? "a symbolic link or not a directory" : strerror(-r));
        }
        close(dir_fd);
        dir_fd = next;
        rel += n;
    }
    return dir_fd;
}

/* The directory a backup may be written to: @path, absolute or relative to
 * @base, must lie below @base. Returns its open descriptor or -errno
 * (-EPERM: outside @base), with the reason in @why. */
static int backup_target(const char *base, const char *path, char *why, size_t why_len)
{
    char real[PATH_MAX];
    const char *rel = NULL;
    size_t blen = strlen(base);
    int fd;

    while (blen > 1 && base[blen - 1] == '/')
        blen--;
    if (path[0] != '/') {
        rel = path;
    } else if (strncmp(path, base, blen) == 0 && path[blen] == '/') {
        rel = path + blen + 1;
    } else if (realpath(base, real) && strncmp(path, real, strlen(real)) == 0 &&
               path[strlen(real)] == '/') {
        rel = path + strlen(real) + 1; /* the same directory, as resolved */
    }
    if (rel == NULL)
        return cc_fail(-EPERM, why, why_len, "%.200s is outside backup_dir %.*s", path, (int)blen,
                       base);
    if (rel[strspn(rel, "/")] == '\0')
        return cc_fail(-EPERM, why, why_len, "name a directory below backup_dir %.*s", (int)blen,
                       base);
    if (mkdir(base, 0700) < 0 && errno != EEXIST)
        return cc_fail(-errno, why, why_len, "cannot create backup_dir %s: %s", base,
                       strerror(errno));
    if ((fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return cc_fail(-errno, why, why_len, "cannot open backup_dir %s: %s", base,
                       strerror(errno));
    return open_below(fd, rel, why, why_len);
}

static void backup(void *router, const cc_request_t *req, const cc_principal_t *who,
                   cc_store_t *store, const cc_daemon_settings_t *set, const char *name)
{
    char path[1024], base[PATH_MAX], why[512], en[640];
    int fd, r;

    if (cc_map_strcpy(&req->msg.body, "path", path, sizeof(path)) < 0 || path[0] == '\0') {
        cc_router_error(router, req, CC_ERR_BAD_FIELD, "Thiếu đường dẫn sao lưu 'path'",
                        "'path' must name a directory below the daemon's backup_dir", "path", NULL);
        return;
    }
    if (set->backup_dir)
        snprintf(base, sizeof(base), "%s", set->backup_dir);
    else
        snprintf(base, sizeof(base), "%s/backup", set->state_dir);
    if ((fd = backup_target(base, path, why, sizeof(why))) < 0) {
        snprintf(en, sizeof(en), "Backup refused: %s", why);
        cc_log_kv(LOG_WARNING, "PRINCIPAL", who->who, "OPERATOR_COMMAND", "backup",
                  "Refused the backup to %s asked by %s: %s", path, who->who, why);
        cc_router_error(router, req, fd == -EPERM ? CC_ERR_NOT_AUTHORIZED : CC_ERR_INTERNAL,
                        fd == -EPERM ? "Chỉ được sao lưu vào trong thư mục sao lưu đã cấu hình"
                                     : "Không mở được thư mục sao lưu",
                        en, "path", NULL);
        return;
    }
    r = cc_store_backup_at(store, fd);
    close(fd);
    if (r < 0) {
        snprintf(en, sizeof(en), "Backup to %.200s failed: %s", path,
                 r == -EEXIST ? "it holds a backup already (data.mdb)" : cc_store_strerror(r));
        cc_router_error(router, req, CC_ERR_INTERNAL, "Sao lưu thất bại", en, "path", NULL);
        cc_log_kv(LOG_WARNING, "PRINCIPAL", who->who, "OPERATOR_COMMAND", "backup", "%s", en);
        return;
    }
    cc_log_kv(LOG_NOTICE, "PRINCIPAL", who->who, "OPERATOR_COMMAND", "backup",
              "Backed up the store to %s for %s", path, who->who);
    cc_daemon_reply_ok(router, req, name);
}

cc_query_outcome_t cc_daemon_query(void *router, const cc_request_t *req, const cc_principal_t *who,
                                   cc_store_t *store, const cc_daemon_settings_t *set,
                                   const char *name, cc_str_t *ret_q)
{
    cc_str_t q;
    int64_t t;

    if (!cc_daemon_check_fields(router, req, query_fields, CC_N(query_fields),
                                "Truy vấn không hợp lệ", "Invalid QUERY"))
        return CC_QUERY_ANSWERED;
    cc_map_str(&req->msg.body, "q", &q);
    if (who && who->role == CC_ROLE_OPERATOR && !cc_str_eq(q, "backup")) /* backup logs its own */
        cc_log_kv(LOG_NOTICE, "PRINCIPAL", who->who, "OPERATOR_COMMAND", "query",
                  "Operator %s: query %.*s", who->who, (int)q.len, q.ptr);
    if (cc_str_eq(q, "ping")) {
        cc_daemon_reply_ok(router, req, name);
        return CC_QUERY_ANSWERED;
    }
    if (who == NULL) {
        cc_router_error(router, req, CC_ERR_NOT_AUTHORIZED, "Kết nối chưa xưng danh (HELLO)",
                        "Send HELLO first", NULL, NULL);
        return CC_QUERY_ANSWERED;
    }
    if (!cc_str_eq(q, "clock") && !cc_str_eq(q, "backup")) {
        *ret_q = q;
        return CC_QUERY_MINE;
    }
    if (who->role != CC_ROLE_OPERATOR) {
        cc_log_kv(LOG_WARNING, "PRINCIPAL", who->who, "ROLE", cc_role_name(who->role),
                  "Refused operator command %.*s from %s (%s)", (int)q.len, q.ptr, who->who,
                  cc_role_name(who->role));
        cc_router_error(router, req, CC_ERR_NOT_AUTHORIZED, "Chỉ người vận hành được dùng lệnh này",
                        "Only an operator may do this", "q", NULL);
        return CC_QUERY_ANSWERED;
    }
    if (cc_str_eq(q, "backup")) {
        backup(router, req, who, store, set, name);
        return CC_QUERY_ANSWERED;
    }
    if (cc_map_i64(&req->msg.body, "t", &t) < 0 || cc_clock_test_set(t) < 0) {
        cc_router_error(router, req, CC_ERR_BAD_FIELD, "Đồng hồ thử nghiệm chưa bật hoặc thiếu 't'",
                        "The test clock is off (start with --test-clock) or 't' is missing", "t",
                        NULL);
        return CC_QUERY_ANSWERED;
    }
    cc_log_kv(LOG_NOTICE, "PRINCIPAL", who->who, "OPERATOR_COMMAND", "clock",
              "Operator %s set the test clock to %lld", who->who, (long long)t);
    return CC_QUERY_CLOCK_SET;
}

/* A policy key that no code of this version reads has no effect: say so,
 * so that an administrator does not believe it is in force. */
static void warn_unread_policy(const cc_catalog_t *cat)
{
    char keys[1024];
    size_t n = cc_policy_unread(cc_catalog_policy(cat), keys, sizeof(keys));

    if (n)
        cc_log(LOG_WARNING,
               "policy.ini sets %zu key%s that this version does not read yet, so %s no "
               "effect: %s",
               n, n == 1 ? "" : "s", n == 1 ? "it has" : "they have", keys);
}

int cc_daemon_load_catalog(const char *dir, cc_catalog_t **ret_catalog, char *err, size_t err_len)
{
    int r = cc_catalog_load(dir, ret_catalog, err, err_len);

    if (r == 0) {
        cc_log(LOG_NOTICE, "Catalogs: %zu units, %zu procedures (%s)",
               cc_catalog_unit_count(*ret_catalog), cc_catalog_procedure_count(*ret_catalog),
               dir ? dir : "embedded demo");
        warn_unread_policy(*ret_catalog);
    }
    return r;
}

int cc_daemon_reload_catalog(const char *dir, cc_catalog_t **catalog_p)
{
    cc_catalog_t *next = NULL;
    char err[CC_CATALOG_ERR_LEN];
    int r;

    cc_sd_reloading(1);
    r = cc_catalog_load(dir, &next, err, sizeof(err));
    if (r < 0) {
        cc_log(LOG_ERR, "Failed to reload catalogs, keeping the old ones: %s", err);
    } else {
        cc_catalog_destroy(catalog_p);
        *catalog_p = next;
        cc_log(LOG_NOTICE, "Catalogs reloaded (%zu units, %zu procedures)",
               cc_catalog_unit_count(next), cc_catalog_procedure_count(next));
        warn_unread_policy(next);
    }
    cc_sd_reloading(0);
    return r;
}
