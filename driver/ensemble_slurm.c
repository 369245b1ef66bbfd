/*
 * ensemble_slurm.c: `zoet ensemble --slurm` (ensemble.h, docs/hpc.md): the
 * members as one Slurm array job, and a job that makes the table once
 * every task has ended (afterany: a failed member does not block it).
 *
 * The scripts are bash and name everything by absolute path (the zoet
 * program, the ensemble folder), so they run from any folder and on any
 * node that sees the same file system. What a task does:
 *
 *   - a member that is complete (its run.json exists) ends the task at once
 *     (a requeue of a finished task, a second submission);
 *   - a member folder with checkpoints (the task was requeued after its
 *     time limit, `scontrol requeue`, a node failure) continues from the
 *     newest with `zoet run ... --restart`; its log says so;
 *   - Slurm sends the batch shell USR1 ahead of the time limit (--signal);
 *     the script then stops the run (SIGTERM: it stops at its next day,
 *     the checkpoints stay) and requeues the task, when the run wrote a
 *     checkpoint since the task started (else it would loop: the log says
 *     to raise the time);
 *   - SIGTERM from Slurm (scancel, requeue, the time limit) reaches every
 *     process of the task: the script waits for the run to stop and records
 *     it, without passing the signal on (a second SIGTERM would kill zoet
 *     before it cleans up).
 */
#include "ensemble_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io_file.h"
#include "proc.h"

/* s in single quotes for bash ('\'' for a quote). */
static void put_quoted(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'') {
            fputs("'\\''", f);
        } else {
            fputc(*s, f);
        }
    }
    fputc('\'', f);
}

/* The #SBATCH lines both jobs share: partition, account, extra. */
static void put_site(FILE *f, const io_ens_slurm *s)
{
    if (s->partition[0]) {
        fprintf(f, "#SBATCH --partition=%s\n", s->partition);
    }
    if (s->account[0]) {
        fprintf(f, "#SBATCH --account=%s\n", s->account);
    }
    for (int i = 0; i < s->nextra; i++) {
        fprintf(f, "#SBATCH %s\n", s->extra[i]);
    }
}

/* How long before the time limit the batch shell gets USR1 (s): a tenth
 * of the limit within 60 s to 5 minutes (Slurm may send it up to 60 s
 * early), and at most half the limit. */
static long signal_lead(long limit)
{
    long lead = limit / 10;
    lead = lead < 60 ? 60 : lead > 300 ? 300 : lead;
    return lead > limit / 2 ? (limit / 2 > 0 ? limit / 2 : 1) : lead;
}

static void put_members_script(FILE *f, const drv_ens *x)
{
    const io_ensemble *e = x->e;
    const io_ens_slurm *s = &e->slurm;
    fprintf(f,
            "#!/bin/bash\n"
            "# The members of ensemble %s (%s): one Slurm array task per\n"
            "# member, task i the member on line i of the list below (members.csv\n"
            "# names them too). Written by zoet ensemble (docs/hpc.md); submit with\n"
            "# submit.sh beside it, which also submits the table job.\n"
            "#\n"
            "# A task runs zoet run on the member's scenario.ini, its output appended\n"
            "# to the member's log.txt. A complete member (run.json) ends the task at\n"
            "# once. A task started again (requeued after its time limit, by scontrol\n"
            "# requeue, after a node failure) continues from the newest checkpoint.\n"
            "# Near the time limit (USR1) the run is stopped and the task requeued,\n"
            "# if the run wrote a checkpoint since the task started.\n",
            e->name, e->file);
    fprintf(f,
            "#SBATCH --job-name=zoet-%s\n"
            "#SBATCH --array=0-%d\n"
            "#SBATCH --time=%s\n"
            "#SBATCH --mem=%s\n"
            "#SBATCH --cpus-per-task=%d\n"
            "#SBATCH --requeue\n"
            "#SBATCH --open-mode=append\n"
            "#SBATCH --output=%s/slurm/logs/member-%%a.out\n"
            "#SBATCH --chdir=%s\n"
            "#SBATCH --signal=B:USR1@%ld\n",
            e->name, e->nmember - 1, s->time, s->mem, s->cpus_per_task, x->out, x->out,
            signal_lead(s->seconds));
    put_site(f, s);
    fputs("set -u\nzoet=", f);
    put_quoted(f, x->o->exe);
    fputs("\nout=", f);
    put_quoted(f, x->out);
    fputs("\nmembers=(\n", f);
    for (int i = 0; i < e->nmember; i++) {
        fprintf(f, "%s\n", e->member[i].name);
    }
    fputs(")\n", f);
    fputs(
        "task=${SLURM_ARRAY_TASK_ID:?members.sbatch runs as a Slurm array task}\n"
        "name=${members[$task]:?no member for array task $task}\n"
        "dir=$out/members/$name\n"
        "log=$dir/log.txt\n"
        "say() {\n"
        "    echo \"zoet ensemble: $(date '+%Y-%m-%d %H:%M:%S'): member $name (task $task): $*\" |\n"
        "        tee -a \"$log\"\n"
        "}\n"
        "# the newest checkpoint's state file (folders under a date are whole)\n"
        "latest() {\n"
        "    local c\n"
        "    for c in $(ls -1 \"$dir/checkpoints\" 2>/dev/null |\n"
        "               grep -E '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' | sort -r); do\n"
        "        if [ -f \"$dir/checkpoints/$c/state.nc\" ]; then\n"
        "            echo \"$dir/checkpoints/$c/state.nc\"\n"
        "            return\n"
        "        fi\n"
        "    done\n"
        "}\n"
        "status() { echo \"$1 $2 $3\" > \"$dir/status.txt.part\" && mv \"$dir/status.txt.part\" \"$dir/status.txt\"; }\n"
        "if [ -f \"$dir/run.json\" ]; then\n"
        "    say \"complete (run.json): nothing to do\"\n"
        "    exit 0\n"
        "fi\n"
        "prev=0\n"
        "if [ -f \"$dir/status.txt\" ]; then\n"
        "    read -r _ _ prev < \"$dir/status.txt\" || prev=0\n"
        "fi\n"
        "prev=${prev%.*}\n"
        "case $prev in '' | *[!0-9]*) prev=0 ;; esac\n"
        "ckpt=$(latest)\n"
        "args=(run \"$dir/scenario.ini\" --threads \"${SLURM_CPUS_PER_TASK:-1}\")\n"
        "job=\"${SLURM_ARRAY_JOB_ID:-?}_$task\"\n"
        "if [ -n \"$ckpt\" ]; then\n"
        "    args+=(--restart \"$ckpt\")\n"
        "    say \"restart from checkpoint $ckpt (Slurm job $job, restart count ${SLURM_RESTART_COUNT:-0}, on $(hostname))\"\n"
        "else\n"
        "    prev=0\n"
        "    say \"start (Slurm job $job, on $(hostname))\"\n"
        "fi\n"
        "say \"$zoet ${args[*]}\"\n"
        "status running - \"$prev\"\n"
        "near=0\n"
        "pid=\n"
        "trap 'near=1; say \"time limit near: stopping the run\"; [ -n \"$pid\" ] && kill -TERM \"$pid\"' USR1\n"
        "trap ':' TERM INT\n"
        "SECONDS=0\n"
        "\"$zoet\" \"${args[@]}\" >> \"$log\" 2>&1 < /dev/null &\n"
        "pid=$!\n"
        "while :; do\n"
        "    wait \"$pid\"\n"
        "    rc=$?\n"
        "    # a trapped signal ends the wait, not the run\n"
        "    kill -0 \"$pid\" 2> /dev/null || break\n"
        "done\n"
        "case $rc in\n"
        "    0) state=done ;;\n"
        "    130 | 143) state=interrupted ;;\n"
        "    *) state=failed ;;\n"
        "esac\n"
        "if [ \"$rc\" = 0 ] && [ ! -f \"$dir/run.json\" ]; then\n"
        "    state=failed\n"
        "fi\n"
        "status \"$state\" \"$rc\" \"$((prev + SECONDS))\"\n"
        "say \"exit $rc ($state) after $SECONDS s\"\n"
        "if [ \"$near\" = 1 ] && [ \"$state\" = interrupted ]; then\n"
        "    if [ \"$(latest)\" != \"$ckpt\" ]; then\n"
        "        say \"requeued: the task continues from checkpoint $(latest)\"\n"
        "        scontrol requeue \"${SLURM_ARRAY_JOB_ID}_$task\"\n"
        "    else\n"
        "        say \"not requeued: no checkpoint since the task started; give [slurm] time more than a simulated year takes, or set [run] checkpoint = \\\"month\\\"\"\n"
        "    fi\n"
        "fi\n"
        "exit \"$rc\"\n",
        f);
}

static void put_table_script(FILE *f, const drv_ens *x)
{
    const io_ensemble *e = x->e;
    const io_ens_slurm *s = &e->slurm;
    char row[512];
    fprintf(f,
            "#!/bin/bash\n"
            "# The table of ensemble %s (%s), after every member task has ended\n"
            "# (afterany: failed members do not hold it up). Written by zoet ensemble\n"
            "# (docs/hpc.md). It writes members.csv from the members' status.txt, then\n"
            "# runs zoet table over the members that completed (run.json), the\n"
            "# reference (task 0) first, and names those left out. Without the\n"
            "# reference there is no table: its differences would be to another member.\n",
            e->name, e->file);
    fprintf(f,
            "#SBATCH --job-name=zoet-%s-table\n"
            "#SBATCH --time=%s\n"
            "#SBATCH --mem=%s\n"
            "#SBATCH --cpus-per-task=1\n"
            "#SBATCH --open-mode=append\n"
            "#SBATCH --output=%s/slurm/logs/table.out\n"
            "#SBATCH --chdir=%s\n",
            e->name, s->table_time, s->mem, x->out, x->out);
    put_site(f, s);
    fputs("set -u\nzoet=", f);
    put_quoted(f, x->o->exe);
    fputs("\nout=", f);
    put_quoted(f, x->out);
    fputs("\n# " IO_ENS_CSV_HEADER " (the first six)\nrows=(\n", f);
    for (int i = 0; i < e->nmember; i++) {
        put_quoted(f, io_ens_csv_row(e, i, row, sizeof row));
        fputc('\n', f);
    }
    fputs(")\n", f);
    fputs(
        "say() { echo \"zoet ensemble: $(date '+%Y-%m-%d %H:%M:%S'): table: $*\"; }\n"
        "dirs=()\n"
        "missing=()\n"
        "{\n"
        "    echo '" IO_ENS_CSV_HEADER "'\n"
        "    for row in \"${rows[@]}\"; do\n"
        "        IFS=, read -r _ name _ <<< \"$row\"\n"
        "        state=pending rc= secs=0\n"
        "        if [ -f \"$out/members/$name/status.txt\" ]; then\n"
        "            read -r state rc secs < \"$out/members/$name/status.txt\"\n"
        "        fi\n"
        "        if [ -f \"$out/members/$name/run.json\" ]; then\n"
        "            state=done rc=0\n"
        "        elif [ \"$state\" = running ] || [ \"$state\" = done ]; then\n"
        "            state=killed # ended without saying how (SIGKILL, a node lost)\n"
        "        fi\n"
        "        [ \"$rc\" = - ] && rc=\n"
        "        echo \"$row,$state,$rc,$secs\"\n"
        "    done\n"
        "} > \"$out/members.csv.part\" && mv \"$out/members.csv.part\" \"$out/members.csv\"\n"
        "for row in \"${rows[@]}\"; do\n"
        "    IFS=, read -r _ name _ <<< \"$row\"\n"
        "    if [ -f \"$out/members/$name/run.json\" ]; then\n"
        "        dirs+=(\"$out/members/$name\")\n"
        "    else\n"
        "        missing+=(\"$name\")\n"
        "    fi\n"
        "done\n"
        "say \"${#dirs[@]} of ${#rows[@]} members complete; members.csv written\"\n"
        "if [ \"${#missing[@]}\" -gt 0 ]; then\n"
        "    say \"not in the table (no run.json; see their log.txt): ${missing[*]}\"\n"
        "fi\n"
        "IFS=, read -r _ ref _ <<< \"${rows[0]}\"\n"
        "if [ ! -f \"$out/members/$ref/run.json\" ]; then\n"
        "    say \"the reference member $ref did not complete: no table\"\n"
        "    exit 1\n"
        "fi\n"
        "say \"$zoet table --out $out/table ${dirs[*]}\"\n"
        "exec \"$zoet\" table --out \"$out/table\" \"${dirs[@]}\"\n",
        f);
}

static void put_submit_script(FILE *f, const drv_ens *x)
{
    fprintf(f,
            "#!/bin/sh\n"
            "# Submit the members of ensemble %s, then the table job after them\n"
            "# (what zoet ensemble --slurm does itself without --no-submit).\n"
            "set -e\n"
            "cd \"$(dirname \"$0\")\"\n"
            "jid=$(sbatch --parsable members.sbatch)\n"
            "jid=${jid%%%%;*}\n"
            "tid=$(sbatch --parsable --dependency=afterany:\"$jid\" table.sbatch)\n"
            "echo \"members $jid\" > jobs.txt\n"
            "echo \"table ${tid%%%%;*}\" >> jobs.txt\n"
            "echo \"zoet ensemble: submitted the members as job $jid, the table as job ${tid%%%%;*}\"\n",
            x->e->name);
}

typedef void (*put_fn)(FILE *f, const drv_ens *x);

static zt_status write_script(const drv_ens *x, const char *name, put_fn put, zt_err *err)
{
    char path[PATH_MAX + 64];
    FILE *f = NULL;
    snprintf(path, sizeof path, "%s/slurm/%s", x->out, name);
    zt_status st = io_text_open(path, &f, err);
    if (st != ZT_OK) {
        return st;
    }
    put(f, x);
    st = io_text_close(f, path, 1, err);
    if (st == ZT_OK && strcmp(name, "submit.sh") == 0) {
        (void)chmod(path, 0755);
    }
    return st;
}

/* Submit one script: its job id into id (size n). */
static zt_status submit(const char *script, const char *dependency, char *id, size_t n,
                        zt_err *err)
{
    char out[256], msg[1024], dep[64];
    int code = 0;
    snprintf(dep, sizeof dep, "--dependency=afterany:%s", dependency ? dependency : "");
    char *argv[] = {"sbatch", "--parsable", dependency ? dep : (char *)script,
                    dependency ? (char *)script : NULL, NULL};
    zt_status st = drv_proc_capture(argv, out, sizeof out, msg, sizeof msg, &code, err);
    if (st != ZT_OK) {
        return st;
    }
    msg[strcspn(msg, "\n")] = '\0';
    if (code != 0) {
        return zt_fail(err, ZT_EIO, "sbatch %s: %s (exit %d)%s", script,
                       msg[0] ? msg : "failed", code,
                       code == 127 ? "; on a machine without Slurm, --no-submit writes the "
                                     "scripts only"
                                   : "");
    }
    /* "123" or "123;cluster" */
    const size_t len = strspn(out, "0123456789");
    if (len == 0 || len >= n) {
        return zt_fail(err, ZT_EIO, "sbatch %s: no job id in its answer \"%s\"", script, out);
    }
    memcpy(id, out, len);
    id[len] = '\0';
    return ZT_OK;
}

zt_status drv_ens_slurm(drv_ens *x, drv_ens_result *r, zt_err *err)
{
    char dir[PATH_MAX + 32], path[PATH_MAX + 64], csv[PATH_MAX + 32];
    if (strpbrk(x->out, " \t\n%")) {
        return zt_fail(err, ZT_EUSAGE,
                       "%s: the ensemble folder's path holds a space or a '%%': #SBATCH lines "
                       "cannot name it; choose another out",
                       x->out);
    }
    snprintf(dir, sizeof dir, "%s/slurm/logs", x->out);
    zt_status st = io_dir_ensure(dir, err);
    if (st == ZT_OK) {
        st = write_script(x, "members.sbatch", put_members_script, err);
    }
    if (st == ZT_OK) {
        st = write_script(x, "table.sbatch", put_table_script, err);
    }
    if (st == ZT_OK) {
        st = write_script(x, "submit.sh", put_submit_script, err);
    }
    if (st == ZT_OK) {
        snprintf(csv, sizeof csv, "%s/members.csv", x->out);
        st = io_ens_write_csv(x->e, x->st, csv, err);
    }
    for (int i = 0; i < x->e->nmember; i++) {
        r->ndone += strcmp(x->st[i].state, "done") == 0;
    }
    if (st != ZT_OK) {
        return st;
    }
    snprintf(dir, sizeof dir, "%s/slurm", x->out);
    if (x->o->no_submit) {
        if (!x->o->quiet) {
            printf("zoet ensemble: %s: %d members; wrote %s/members.sbatch and table.sbatch; "
                   "submit both with sh %s/submit.sh\n",
                   x->e->name, x->e->nmember, dir, dir);
        }
        return ZT_OK;
    }
    snprintf(path, sizeof path, "%s/members.sbatch", dir);
    st = submit(path, NULL, r->job_members, sizeof r->job_members, err);
    if (st == ZT_OK) {
        snprintf(path, sizeof path, "%s/table.sbatch", dir);
        st = submit(path, r->job_members, r->job_table, sizeof r->job_table, err);
    }
    if (st != ZT_OK) {
        return st;
    }
    snprintf(path, sizeof path, "%s/jobs.txt", dir);
    FILE *f = NULL;
    st = io_text_open(path, &f, err);
    if (st == ZT_OK) {
        fprintf(f, "members %s\ntable %s\n", r->job_members, r->job_table);
        st = io_text_close(f, path, 1, err);
    }
    if (!x->o->quiet) {
        printf("zoet ensemble: %s: submitted %d members as Slurm job %s (array 0-%d), the "
               "table as job %s (after every member ends)\n",
               x->e->name, x->e->nmember, r->job_members, x->e->nmember - 1, r->job_table);
    }
    return st;
}
