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

int lab_set_cpu_affinity(int pid, int cpu) {
#if defined(__linux__)
    cpu_set_t set;
    CPU_ZERO(&set);
    if (cpu >= 0) {
        CPU_SET(cpu, &set);
    } else {
        long count = sysconf(_SC_NPROCESSORS_CONF);
        for (long index = 0; index < count && index < CPU_SETSIZE; index++) CPU_SET(index, &set);
    }
    return sched_setaffinity(pid, sizeof(set), &set);
#else
    (void)pid;
    (void)cpu;
    return 0;
#endif
}
