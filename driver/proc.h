/*
 * proc.h: child processes of the program (zoet ensemble): a member run or
 * a forcing transform started as another `zoet` with its output in a log
 * file, and a command (sbatch) whose output is read back.
 */
#ifndef DRV_PROC_H
#define DRV_PROC_H

#include <stddef.h>
#include <sys/types.h>

#include "zt.h"

/*
 * Start the program argv[0] (a path; not looked up in PATH) with the
 * arguments argv (NULL-terminated, borrowed): standard input from
 * /dev/null, standard output and error appended to `log` (made if
 * missing). The child leads a process group of its own, so that a Ctrl-C
 * at the terminal reaches this process alone, which passes one signal on
 * (drv_proc_signal); and it gets SIGTERM should this process die first
 * (Linux). *pid gets its id. A program that cannot be executed ends with
 * status 127 and one line in the log. ZT_EIO naming the log when it
 * cannot be opened; ZT_EINTERNAL when fork fails.
 */
zt_status drv_proc_spawn(char *const argv[], const char *log, pid_t *pid, zt_err *err);

/*
 * Whether child pid has ended, without waiting: 1 and *code (its exit
 * status 0-255, or 128 + the signal that ended it, as a shell reports it)
 * when it has; 0 while it runs.
 */
int drv_proc_poll(pid_t pid, int *code);

/* Wait for child pid to end; its code as drv_proc_poll gives it. */
int drv_proc_wait(pid_t pid);

/* Send signal sig to child pid (which leads its own group). */
void drv_proc_signal(pid_t pid, int sig);

/*
 * Run the command argv (argv[0] looked up in PATH, as a shell would) and
 * wait for it: its standard output into out (size nout, NUL-terminated,
 * cut), its standard error into errout (size nerr), its exit code into
 * *code (127 when it cannot be executed: errout says why). ZT_EINTERNAL
 * when a pipe or fork fails.
 */
zt_status drv_proc_capture(char *const argv[], char *out, size_t nout, char *errout, size_t nerr,
                           int *code, zt_err *err);

#endif /* DRV_PROC_H */
