/*
 * core_alloc.h: one day's allocation of water over a tree-shaped supply
 * network by priority levels (the verdringingsreeks, DESIGN.md §2; the
 * science and the choices are written out in docs/model.md §8).
 *
 * The network is a forest of nodes (main waters). Each root is a source
 * (the IJsselmeer) with an availability; every other node hangs from its
 * parent by a link with a capacity (m3/d), and water runs from the parent
 * to the child only. A node may have local water of the day (the surplus of
 * the districts that drain to it), which can serve the node and everything
 * below it. Users (districts' demand causes, point users) hang from nodes,
 * each with a demand (m3/d) and a priority level (0 first).
 *
 * Allocation, level by level (lexicographic): the users of a level get the
 * largest equal fraction t of their demand the network can carry on top of
 * the levels before; when a link or a source becomes the bottleneck, the
 * users below it keep that fraction and the others go on rising (max-min
 * fair, "progressive filling"). Within a level nothing else decides, so the
 * result does not depend on the order of the users. Where a fraction is
 * found by bisection it is the largest feasible one to the last bits of a
 * double (60 halvings), and the allocation is always feasible: no link
 * above its capacity, no source or local water used beyond what it has.
 *
 * Pure: no I/O, no globals. Units: m3/d.
 */
#ifndef CORE_ALLOC_H
#define CORE_ALLOC_H

#include "zt.h"

/* The static network. Arrays are borrowed. */
typedef struct core_alloc_net {
    int nnode;         /* nodes */
    const int *parent; /* parent node of each node, -1 for a root (a source) */
    int nuser;         /* users */
    const int *unode;  /* node of each user */
    const int *ulevel; /* priority level of each user, 0 .. nlevel - 1 (0 first) */
    int nlevel;        /* levels */
} core_alloc_net;

/* One day's inputs (m3/d). Arrays are borrowed. */
typedef struct core_alloc_in {
    const double *cap;    /* per node: capacity of the link from its parent; for
                           * a root the source's availability; >= 0, may be
                           * INFINITY */
    const double *local;  /* per node: local water of the day (>= 0), or NULL */
    const double *demand; /* per user (>= 0) */
} core_alloc_in;

/* One day's result (arrays of the caller, m3/d). */
typedef struct core_alloc_out {
    double *alloc;      /* per user: allocated, 0 <= alloc <= demand */
    double *flow;       /* per node: flow over the link from the parent (for
                         * a root: drawn from the source) */
    double *local_used; /* per node: local water used */
} core_alloc_out;

typedef struct core_alloc core_alloc; /* opaque: the network's derived tables */

/*
 * Check the network and derive its tables. ZT_EINPUT naming the node or user
 * for a parent out of range, a cycle, a user's node or level out of range;
 * ZT_ENOMEM.
 */
zt_status core_alloc_create(const core_alloc_net *net, core_alloc **out, zt_err *err);

/* Free; accepts NULL and *a == NULL; sets *a = NULL. */
void core_alloc_destroy(core_alloc **a);

/*
 * Allocate one day. ZT_EINPUT for a negative or non-finite demand, local
 * water or a negative capacity (naming the user or node). rounds, when not
 * NULL, gets the number of bottlenecks met (how many times a level had to
 * freeze users), for the benchmark.
 */
zt_status core_alloc_day(core_alloc *a, const core_alloc_in *in, core_alloc_out *out,
                         int *rounds, zt_err *err);

/*
 * The flows (per node: over the link from the parent, local water used)
 * that deliver amount[u] to every user, local water first, children before
 * parents (as in core_alloc_day, whose flows are these of its allocation).
 * For amounts up to the allocation they stay within the capacities.
 */
void core_alloc_flows(core_alloc *a, const core_alloc_in *in, const double *amount,
                      double *flow, double *local_used);

#endif /* CORE_ALLOC_H */
