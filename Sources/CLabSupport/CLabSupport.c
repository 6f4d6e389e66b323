#include "CLabSupport.h"
#if defined(__linux__)
#include <sys/prctl.h>
#endif

int lab_set_parent_death_signal(int signal) {
#if defined(__linux__)
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0, 0, 0);
#else
    (void)signal;
    return 0;
#endif
}
