#ifndef CLABSUPPORT_H
#define CLABSUPPORT_H

/// Asks the kernel to send `signal` to the calling process when its parent dies.
/// Returns 0 on success, -1 with errno set on failure (Linux only; returns 0 elsewhere).
/// The corresponding C call is `prctl(PR_SET_PDEATHSIG, signal)`, which is variadic
/// and therefore not importable into Swift.
int lab_set_parent_death_signal(int signal);

/// Writes the CPUs that process or thread `pid` (0: the calling thread) may run on into
/// `cpus` (at most `capacity` of them, in increasing order) and returns how many there are,
/// or -1 with errno set. The corresponding C call is `sched_getaffinity`.
int lab_get_cpu_affinity(int pid, int *cpus, int capacity);

/// Restricts process or thread `pid` (0: the calling thread) to the `count` CPUs in `cpus`.
/// Returns 0 on success, -1 with errno set (EINVAL when none of them is allowed).
/// The corresponding C call is `sched_setaffinity`, whose cpu_set_t macros Swift cannot import.
int lab_set_cpu_list(int pid, const int *cpus, int count);

#endif
