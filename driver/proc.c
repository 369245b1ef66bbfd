/*
 * proc.c: child processes (proc.h).
 *
 * Between fork and exec the child calls only async-signal-safe functions
 * (open, dup2, setpgid, prctl, write, execv, _exit), as POSIX asks of a
 * child of a process that may hold threads.
 */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* write(2) a whole string; for the child before exec. */
static void put(int fd, const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        const ssize_t w = write(fd, s, n);
        if (w <= 0) {
            return;
        }
        s += w;
        n -= (size_t)w;
    }
}

zt_status drv_proc_spawn(char *const argv[], const char *log, pid_t *pid, zt_err *err)
{
    const int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        return zt_fail(err, ZT_EIO, "%s: cannot open the log: %s", log, strerror(errno));
    }
    const int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    const pid_t parent = getpid();
    const pid_t p = fork();
    if (p < 0) {
        const int e = errno;
        close(fd);
        if (in >= 0) {
            close(in);
        }
        return zt_fail(err, ZT_EINTERNAL, "cannot start %s: fork: %s", argv[0], strerror(e));
    }
    if (p == 0) {
        (void)setpgid(0, 0);
        (void)prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent) {
            _exit(143); /* the parent died before prctl */
        }
        if (dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0 ||
            (in >= 0 && dup2(in, STDIN_FILENO) < 0)) {
            _exit(126);
        }
        execv(argv[0], argv);
        put(STDERR_FILENO, "zoet ensemble: cannot run ");
        put(STDERR_FILENO, argv[0]);
        put(STDERR_FILENO, ": ");
        put(STDERR_FILENO, strerror(errno));
        put(STDERR_FILENO, "\n");
        _exit(127);
    }
    /* also here, so that a signal sent before the child's own call finds
       the group (either call may come first; the second fails harmlessly) */
    (void)setpgid(p, p);
    close(fd);
    if (in >= 0) {
        close(in);
    }
    *pid = p;
    return ZT_OK;
}

static int code_of(int ws)
{
    if (WIFEXITED(ws)) {
        return WEXITSTATUS(ws);
    }
    return WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : 1;
}

int drv_proc_poll(pid_t pid, int *code)
{
    int ws = 0;
    pid_t r;
    do {
        r = waitpid(pid, &ws, WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r == 0) {
        return 0;
    }
    *code = r == pid ? code_of(ws) : 1; /* r < 0: not our child (ECHILD) */
    return 1;
}

int drv_proc_wait(pid_t pid)
{
    int ws = 0;
    pid_t r;
    do {
        r = waitpid(pid, &ws, 0);
    } while (r < 0 && errno == EINTR);
    return r == pid ? code_of(ws) : 1;
}

void drv_proc_signal(pid_t pid, int sig)
{
    (void)kill(pid, sig);
}

/* pipe(2) with both ends closed on exec (pipe2 is a GNU extension). */
static int pipe_cloexec(int fds[2])
{
    if (pipe(fds) != 0) {
        return -1;
    }
    (void)fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    (void)fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return 0;
}

/* Append what fd has to buf (size n, *len used), keeping a NUL; 0 at its
 * end, 1 while it may have more. */
static int drain(int fd, char *buf, size_t n, size_t *len)
{
    char tmp[4096];
    const ssize_t r = read(fd, tmp, sizeof tmp);
    if (r < 0 && errno == EINTR) {
        return 1;
    }
    if (r <= 0) {
        return 0;
    }
    const size_t room = *len + 1 < n ? n - 1 - *len : 0;
    const size_t k = (size_t)r < room ? (size_t)r : room;
    memcpy(buf + *len, tmp, k);
    *len += k;
    buf[*len] = '\0';
    return 1;
}

zt_status drv_proc_capture(char *const argv[], char *out, size_t nout, char *errout, size_t nerr,
                           int *code, zt_err *err)
{
    int po[2], pe[2];
    size_t lo = 0, le = 0;
    out[0] = errout[0] = '\0';
    if (pipe_cloexec(po) != 0) {
        return zt_fail(err, ZT_EINTERNAL, "cannot run %s: pipe: %s", argv[0], strerror(errno));
    }
    if (pipe_cloexec(pe) != 0) {
        const int e = errno;
        close(po[0]);
        close(po[1]);
        return zt_fail(err, ZT_EINTERNAL, "cannot run %s: pipe: %s", argv[0], strerror(e));
    }
    const pid_t p = fork();
    if (p < 0) {
        const int e = errno;
        close(po[0]);
        close(po[1]);
        close(pe[0]);
        close(pe[1]);
        return zt_fail(err, ZT_EINTERNAL, "cannot run %s: fork: %s", argv[0], strerror(e));
    }
    if (p == 0) {
        const int in = open("/dev/null", O_RDONLY);
        if (dup2(po[1], STDOUT_FILENO) < 0 || dup2(pe[1], STDERR_FILENO) < 0 ||
            (in >= 0 && dup2(in, STDIN_FILENO) < 0)) {
            _exit(126);
        }
        execvp(argv[0], argv);
        put(STDERR_FILENO, argv[0]);
        put(STDERR_FILENO, ": ");
        put(STDERR_FILENO, strerror(errno));
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    struct pollfd fds[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
    int open_fds = 2;
    while (open_fds > 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR))) {
                if (!drain(fds[i].fd, i ? errout : out, i ? nerr : nout, i ? &le : &lo)) {
                    close(fds[i].fd);
                    fds[i].fd = -1;
                    open_fds--;
                }
            }
        }
    }
    for (int i = 0; i < 2; i++) {
        if (fds[i].fd >= 0) {
            close(fds[i].fd);
        }
    }
    *code = drv_proc_wait(p);
    return ZT_OK;
}
