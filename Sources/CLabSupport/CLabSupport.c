#if defined(__linux__)
#define _GNU_SOURCE
#include <sched.h>
#include <unistd.h>
#include <sys/prctl.h>
#endif
#include "CLabSupport.h"

int lab_set_parent_death_signal(int signal) {
#if defined(__linux__)
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0, 0, 0);
#else
    (void)signal;
    return 0;
#endif
}

int lab_get_cpu_affinity(int pid, int *cpus, int capacity) {
#if defined(__linux__)
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(pid, sizeof(set), &set) != 0) return -1;
    int count = 0;
    for (int index = 0; index < CPU_SETSIZE; index++) {
        if (CPU_ISSET(index, &set)) {
            if (count < capacity) cpus[count] = index;
            count++;
        }
    }
    return count;
#else
    (void)pid;
    if (capacity > 0) cpus[0] = 0;
    return 1;
#endif
}

int lab_set_cpu_list(int pid, const int *cpus, int count) {
#if defined(__linux__)
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int index = 0; index < count; index++) {
        if (cpus[index] >= 0 && cpus[index] < CPU_SETSIZE) CPU_SET(cpus[index], &set);
    }
    return sched_setaffinity(pid, sizeof(set), &set);
#else
    (void)pid;
    (void)cpus;
    (void)count;
    return 0;
#endif
}
