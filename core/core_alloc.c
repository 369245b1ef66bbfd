/*
 * core_alloc.c: allocation over a tree-shaped supply network by priority
 * levels, max-min fair within a level (core_alloc.h; docs/model.md §8).
 *
 * Feasibility of a set of allocations is one pass over the nodes, children
 * before parents: a node needs what its users get plus what its children
 * draw from it; its local water covers what it can, the rest comes over the
 * link from its parent:
 *
 *   need(X) = sum_{u at X} a_u + sum_{children Y} req(Y)
 *   req(X)  = max(0, need(X) - local(X))       <= cap(X) (link or source)
 *
 * Local water deeper in the tree is used first, which is optimal because it
 * can serve fewer users. Within a level every unfrozen user gets t d_u; the
 * largest feasible t is found by bisection (req is continuous and
 * non-decreasing in t); the links and sources that would be exceeded just
 * above it are the bottlenecks, and every unfrozen user below one keeps
 * t d_u (progressive filling: Bertsekas and Gallager, Data Networks, 2nd ed.
 * 1992, §6.5.2). The others go on from t. A level whose users can all have
 * their whole demand costs one pass.
 *
 * In the bisection a node's need counts 1e-12 more than it is (and so
 * passes it on to its parent), so that the flows recomputed from the final
 * allocations (summed in another order) stay within the capacities and the
 * local water.
 */
#include "core_alloc.h"

#include <math.h>
#include <string.h>

#define ALLOC_HALVINGS 60
#define ALLOC_MARGIN 1e-12 /* relative margin on capacities in the bisection */

struct core_alloc {
    core_alloc_net net;
    int *post;       /* nodes, children before parents */
    int *tin, *tout; /* subtree of node X: nodes with tin in [tin[X], tout[X]) */
    int *lstart;     /* users of level L: lusers[lstart[L] .. lstart[L + 1]) */
    int *lusers;
    /* work, per node */
    double *base;    /* allocated to earlier levels at the node */
    double *fz;      /* frozen users of this level at the node */
    double *dun;     /* demand of the unfrozen users of this level at the node */
    double *need;
    double *req;
    unsigned char *over; /* the node's need (plus the margin) exceeds its water */
    unsigned char *free; /* the node carries water of an unfrozen user */
    /* work, per user */
    double *frac;    /* fraction of its demand (frozen users) */
    unsigned char *frozen;
};

void core_alloc_destroy(core_alloc **pa)
{
    core_alloc *a;
    if (!pa || !*pa) {
        return;
    }
    a = *pa;
    zt_free(a->post);
    zt_free(a->tin);
    zt_free(a->tout);
    zt_free(a->lstart);
    zt_free(a->lusers);
    zt_free(a->base);
    zt_free(a->fz);
    zt_free(a->dun);
    zt_free(a->need);
    zt_free(a->req);
    zt_free(a->free);
    zt_free(a->over);
    zt_free(a->frac);
    zt_free(a->frozen);
    zt_free(a);
    *pa = NULL;
}

zt_status core_alloc_create(const core_alloc_net *net, core_alloc **out, zt_err *err)
{
    core_alloc *a = NULL;
    int *child0 = NULL, *next = NULL, *stack = NULL, *state = NULL;
    zt_status st = ZT_OK;
    const int nn = net->nnode, nu = net->nuser, nl = net->nlevel;

    *out = NULL;
    if (nn < 0 || nu < 0 || nl < 1) {
        return zt_fail(err, ZT_EINPUT, "supply network: %d nodes, %d users, %d levels", nn, nu,
                       nl);
    }
    for (int x = 0; x < nn; x++) {
        if (net->parent[x] < -1 || net->parent[x] >= nn || net->parent[x] == x) {
            return zt_fail(err, ZT_EINPUT, "supply network: node %d: parent %d out of range", x,
                           net->parent[x]);
        }
    }
    for (int u = 0; u < nu; u++) {
        if (net->unode[u] < 0 || net->unode[u] >= nn) {
            return zt_fail(err, ZT_EINPUT, "supply network: user %d: node %d out of range", u,
                           net->unode[u]);
        }
        if (net->ulevel[u] < 0 || net->ulevel[u] >= nl) {
            return zt_fail(err, ZT_EINPUT, "supply network: user %d: level %d out of range", u,
                           net->ulevel[u]);
        }
    }
    a = zt_calloc(1, sizeof *a);
    size_t n1 = (size_t)(nn > 0 ? nn : 1), u1 = (size_t)(nu > 0 ? nu : 1);
    if (!a) {
        return zt_fail(err, ZT_ENOMEM, "supply network: out of memory");
    }
    a->net = *net;
    a->post = zt_malloc(n1 * sizeof *a->post);
    a->tin = zt_malloc(n1 * sizeof *a->tin);
    a->tout = zt_malloc(n1 * sizeof *a->tout);
    a->lstart = zt_calloc((size_t)nl + 1, sizeof *a->lstart);
    a->lusers = zt_malloc(u1 * sizeof *a->lusers);
    a->base = zt_malloc(n1 * sizeof *a->base);
    a->fz = zt_malloc(n1 * sizeof *a->fz);
    a->dun = zt_malloc(n1 * sizeof *a->dun);
    a->need = zt_malloc(n1 * sizeof *a->need);
    a->req = zt_malloc(n1 * sizeof *a->req);
    a->free = zt_malloc(n1);
    a->over = zt_malloc(n1);
    a->frac = zt_malloc(u1 * sizeof *a->frac);
    a->frozen = zt_malloc(u1);
    child0 = zt_malloc(n1 * sizeof *child0);
    next = zt_malloc(n1 * sizeof *next);
    stack = zt_malloc(n1 * sizeof *stack);
    state = zt_calloc(n1, sizeof *state);
    if (!a->post || !a->tin || !a->tout || !a->lstart || !a->lusers || !a->base || !a->fz ||
        !a->dun || !a->need || !a->req || !a->free || !a->over || !a->frac || !a->frozen || !child0 || !next ||
        !stack || !state) {
        st = zt_fail(err, ZT_ENOMEM, "supply network: out of memory");
        goto done;
    }
    /* children lists, in node order */
    for (int x = 0; x < nn; x++) {
        child0[x] = -1;
        next[x] = -1;
    }
    for (int x = nn - 1; x >= 0; x--) {
        int p = net->parent[x];
        if (p >= 0) {
            next[x] = child0[p];
            child0[p] = x;
        }
    }
    /* depth-first from every root: Euler intervals and post-order */
    {
        int clock = 0, np = 0;
        for (int r = 0; r < nn; r++) {
            if (net->parent[r] != -1) {
                continue;
            }
            int sp = 0;
            stack[sp++] = r;
            state[r] = 1;
            a->tin[r] = clock++;
            while (sp > 0) {
                int x = stack[sp - 1];
                /* state: 1 = entered; child0 walks the children */
                int y = child0[x];
                if (y >= 0) {
                    child0[x] = next[y];
                    state[y] = 1;
                    a->tin[y] = clock++;
                    stack[sp++] = y;
                } else {
                    a->tout[x] = clock;
                    a->post[np++] = x;
                    state[x] = 2;
                    sp--;
                }
            }
        }
        for (int x = 0; x < nn; x++) {
            if (state[x] != 2) {
                st = zt_fail(err, ZT_EINPUT,
                             "supply network: node %d is on a cycle (no path to a source)", x);
                goto done;
            }
        }
    }
    /* users by level, in user order */
    for (int u = 0; u < nu; u++) {
        a->lstart[net->ulevel[u] + 1]++;
    }
    for (int l = 0; l < nl; l++) {
        a->lstart[l + 1] += a->lstart[l];
    }
    {
        int *fill = zt_calloc((size_t)nl, sizeof *fill);
        if (!fill) {
            st = zt_fail(err, ZT_ENOMEM, "supply network: out of memory");
            goto done;
        }
        for (int u = 0; u < nu; u++) {
            int l = net->ulevel[u];
            a->lusers[a->lstart[l] + fill[l]++] = u;
        }
        zt_free(fill);
    }
    *out = a;
    a = NULL;
done:
    zt_free(child0);
    zt_free(next);
    zt_free(stack);
    zt_free(state);
    core_alloc_destroy(&a);
    return st;
}

/*
 * The requirement of every node with the unfrozen users at fraction t;
 * returns 1 when every link and source that carries water of an unfrozen
 * user can carry it (with the margin). The others carry only what earlier
 * rounds and levels fixed, which was feasible when it was fixed (a new sum
 * of the same numbers may differ in the last bit and must not count).
 */
static int feasible(core_alloc *a, const core_alloc_in *in, double t)
{
    const int nn = a->net.nnode;
    int ok = 1;
    for (int x = 0; x < nn; x++) {
        a->need[x] = a->base[x] + a->fz[x] + t * a->dun[x];
        a->free[x] = a->dun[x] > 0.0;
    }
    for (int i = 0; i < nn; i++) {
        const int x = a->post[i], p = a->net.parent[x];
        const double loc = in->local ? in->local[x] : 0.0;
        const double nm = a->need[x] * (1.0 + ALLOC_MARGIN);
        const double r = nm > loc ? nm - loc : 0.0;
        a->req[x] = r;
        a->over[x] = r > in->cap[x];
        if (a->free[x] && a->over[x]) {
            ok = 0;
        }
        if (p >= 0) {
            a->need[p] += r;
            /* a node whose local water covers its need draws nothing from
             * its parent: its unfrozen users' water does not pass there */
            if (r > 0.0) {
                a->free[p] |= a->free[x];
            }
        }
    }
    return ok;
}

/* Violation of node x (carrying unfrozen users' water) at the last evaluation. */
static int over(const core_alloc *a, const core_alloc_in *in, int x)
{
    (void)in;
    return a->free[x] && a->over[x];
}

void core_alloc_flows(core_alloc *a, const core_alloc_in *in, const double *amount,
                      double *flow, double *local_used)
{
    const int nn = a->net.nnode;
    for (int x = 0; x < nn; x++) {
        a->need[x] = 0.0;
    }
    for (int u = 0; u < a->net.nuser; u++) {
        a->need[a->net.unode[u]] += amount[u];
    }
    for (int i = 0; i < nn; i++) {
        const int x = a->post[i], p = a->net.parent[x];
        const double loc = in->local ? in->local[x] : 0.0;
        const double used = a->need[x] < loc ? a->need[x] : loc;
        local_used[x] = used;
        flow[x] = a->need[x] - used;
        if (p >= 0) {
            a->need[p] += flow[x];
        }
    }
}

zt_status core_alloc_day(core_alloc *a, const core_alloc_in *in, core_alloc_out *out,
                         int *rounds, zt_err *err)
{
    const core_alloc_net *net = &a->net;
    const int nn = net->nnode;
    int nround = 0;

    for (int x = 0; x < nn; x++) {
        if (!(in->cap[x] >= 0.0)) {
            return zt_fail(err, ZT_EINPUT, "supply network: node %d: capacity %g (must be >= 0)",
                           x, in->cap[x]);
        }
        if (in->local && !(in->local[x] >= 0.0 && isfinite(in->local[x]))) {
            return zt_fail(err, ZT_EINPUT,
                           "supply network: node %d: local water %g m3/d (must be finite, >= 0)",
                           x, in->local[x]);
        }
        a->base[x] = 0.0;
    }
    for (int u = 0; u < net->nuser; u++) {
        if (!(in->demand[u] >= 0.0 && isfinite(in->demand[u]))) {
            return zt_fail(err, ZT_EINPUT,
                           "supply network: user %d: demand %g m3/d (must be finite, >= 0)", u,
                           in->demand[u]);
        }
        out->alloc[u] = 0.0;
    }
    for (int l = 0; l < net->nlevel; l++) {
        const int *lu = a->lusers + a->lstart[l];
        const int n = a->lstart[l + 1] - a->lstart[l];
        int nfree = 0;
        double t = 0.0;

        for (int x = 0; x < nn; x++) {
            a->fz[x] = 0.0;
            a->dun[x] = 0.0;
        }
        for (int i = 0; i < n; i++) {
            const int u = lu[i];
            a->frozen[u] = !(in->demand[u] > 0.0);
            a->frac[u] = 0.0;
            if (!a->frozen[u]) {
                a->dun[net->unode[u]] += in->demand[u];
                nfree++;
            }
        }
        while (nfree > 0) {
            if (feasible(a, in, 1.0)) {
                t = 1.0;
                break;
            }
            /* the largest feasible t in [t, 1) */
            double lo = t, hi = 1.0;
            for (int h = 0; h < ALLOC_HALVINGS; h++) {
                const double mid = 0.5 * (lo + hi);
                if (feasible(a, in, mid)) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            t = lo;
            nround++;
            /* bottlenecks just above t: freeze every unfrozen user below one */
            (void)feasible(a, in, hi);
            int newly = 0;
            for (int i = 0; i < n; i++) {
                const int u = lu[i];
                if (a->frozen[u]) {
                    continue;
                }
                /* up from the user's node while its water goes up: a node
                 * that draws nothing from its parent ends the path */
                int below = 0;
                for (int x = net->unode[u]; x >= 0 && !below; x = net->parent[x]) {
                    below = over(a, in, x);
                    if (!(a->req[x] > 0.0)) {
                        break;
                    }
                }
                if (below) {
                    a->frozen[u] = 1;
                    a->frac[u] = t;
                    newly++;
                }
            }
            if (newly == 0) {
                /* no bottleneck above any user (round-off): all stay at t */
                for (int i = 0; i < n; i++) {
                    const int u = lu[i];
                    if (!a->frozen[u]) {
                        a->frozen[u] = 1;
                        a->frac[u] = t;
                        newly++;
                    }
                }
            }
            nfree -= newly;
            for (int x = 0; x < nn; x++) {
                a->fz[x] = 0.0;
                a->dun[x] = 0.0;
            }
            for (int i = 0; i < n; i++) {
                const int u = lu[i];
                if (a->frozen[u]) {
                    a->fz[net->unode[u]] += a->frac[u] * in->demand[u];
                } else {
                    a->dun[net->unode[u]] += in->demand[u];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            const int u = lu[i];
            const double f = a->frozen[u] ? a->frac[u] : t;
            const double v = f >= 1.0 ? in->demand[u] : f * in->demand[u];
            out->alloc[u] = v;
            a->base[net->unode[u]] += v;
        }
    }
    core_alloc_flows(a, in, out->alloc, out->flow, out->local_used);
    if (rounds) {
        *rounds = nround;
    }
    return ZT_OK;
}
