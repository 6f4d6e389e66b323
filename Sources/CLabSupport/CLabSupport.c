#if defined(__linux__)
#define _GNU_SOURCE
#include <sched.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/futex.h>
#include <errno.h>
#include <time.h>
#include <string.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <spawn.h>
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

int lab_memory_file(const char *name, uint64_t bytes) {
#if defined(__linux__)
    int descriptor = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (descriptor < 0) return -1;
    if (ftruncate(descriptor, (off_t)bytes) != 0) {
        int saved = errno;
        close(descriptor);
        errno = saved;
        return -1;
    }
    return descriptor;
#else
    (void)name; (void)bytes;
    errno = ENOSYS;
    return -1;
#endif
}

int lab_seal_memory_file(int descriptor, int writes_too) {
#if defined(__linux__)
#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif
    int seals = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL | (writes_too ? F_SEAL_FUTURE_WRITE : 0);
    return fcntl(descriptor, F_ADD_SEALS, seals);
#else
    (void)descriptor; (void)writes_too;
    errno = ENOSYS;
    return -1;
#endif
}

int lab_memory_file_seals(int descriptor) {
#if defined(__linux__)
    return fcntl(descriptor, F_GET_SEALS);
#else
    (void)descriptor;
    errno = ENOSYS;
    return -1;
#endif
}

int lab_pipe_closed_on_exec(int descriptors[2]) {
#if defined(__linux__)
    return pipe2(descriptors, O_CLOEXEC);
#else
    (void)descriptors;
    errno = ENOSYS;
    return -1;
#endif
}

int lab_accept_closed_on_exec(int listening) {
#if defined(__linux__)
    return accept4(listening, NULL, NULL, SOCK_CLOEXEC);
#else
    (void)listening;
    errno = ENOSYS;
    return -1;
#endif
}

int lab_epoll_create(void) {
#if defined(__linux__)
    return epoll_create1(EPOLL_CLOEXEC);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int lab_epoll_watch(int epoll, int descriptor, uint32_t events, uint64_t token) {
#if defined(__linux__)
    struct epoll_event event;
    memset(&event, 0, sizeof(event));
    event.events = events;
    event.data.u64 = token;
    if (epoll_ctl(epoll, EPOLL_CTL_MOD, descriptor, &event) == 0) return 0;
    if (errno != ENOENT) return -1;
    return epoll_ctl(epoll, EPOLL_CTL_ADD, descriptor, &event);
#else
    (void)epoll; (void)descriptor; (void)events; (void)token;
    errno = ENOSYS;
    return -1;
#endif
}

int lab_epoll_forget(int epoll, int descriptor) {
#if defined(__linux__)
    struct epoll_event event;
    memset(&event, 0, sizeof(event));
    return epoll_ctl(epoll, EPOLL_CTL_DEL, descriptor, &event);
#else
    (void)epoll; (void)descriptor;
    errno = ENOSYS;
    return -1;
#endif
}

int lab_epoll_wait(int epoll, uint64_t *tokens, uint32_t *events, int capacity, int timeout_milliseconds) {
#if defined(__linux__)
    struct epoll_event ready[256];
    if (capacity > 256) capacity = 256;
    int count = epoll_wait(epoll, ready, capacity, timeout_milliseconds);
    for (int index = 0; index < count; index++) {
        tokens[index] = ready[index].data.u64;
        events[index] = ready[index].events;
    }
    return count;
#else
    (void)epoll; (void)tokens; (void)events; (void)capacity; (void)timeout_milliseconds;
    errno = ENOSYS;
    return -1;
#endif
}

int lab_event_counter(void) {
#if defined(__linux__)
    return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int lab_socket_nonblocking_stream(void) {
#if defined(__linux__)
    return socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int lab_accept_nonblocking(int listening) {
#if defined(__linux__)
    return accept4(listening, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
    (void)listening;
    errno = ENOSYS;
    return -1;
#endif
}

int lab_socket_error(int descriptor) {
    int error = 0;
    socklen_t length = sizeof(error);
    if (getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return errno;
    return error;
}

int lab_pidfd_open(int pid) {
#if defined(__linux__) && defined(SYS_pidfd_open)
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}

int lab_pidfd_send_signal(int descriptor, int signal_number) {
#if defined(__linux__) && defined(SYS_pidfd_send_signal)
    return (int)syscall(SYS_pidfd_send_signal, descriptor, signal_number, NULL, 0);
#else
    (void)descriptor; (void)signal_number;
    errno = ENOSYS;
    return -1;
#endif
}

int lab_close_from(int lowest) {
#if defined(__linux__) && defined(SYS_close_range)
    return (int)syscall(SYS_close_range, (unsigned int)lowest, ~0U, 0);
#else
    (void)lowest;
    errno = ENOSYS;
    return -1;
#endif
}

uint64_t lab_load_acquire_u64(const uint64_t *word) { return __atomic_load_n(word, __ATOMIC_ACQUIRE); }
void lab_store_release_u64(uint64_t *word, uint64_t value) { __atomic_store_n(word, value, __ATOMIC_RELEASE); }
uint32_t lab_load_acquire_u32(const uint32_t *word) { return __atomic_load_n(word, __ATOMIC_ACQUIRE); }
void lab_store_release_u32(uint32_t *word, uint32_t value) { __atomic_store_n(word, value, __ATOMIC_RELEASE); }
void lab_full_fence(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

void lab_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

int lab_futex_wait(uint32_t *word, uint32_t expected, int64_t timeout_ns) {
#if defined(__linux__)
    struct timespec timeout = { (time_t)(timeout_ns / 1000000000), (long)(timeout_ns % 1000000000) };
    long result = syscall(SYS_futex, word, FUTEX_WAIT, expected, &timeout, NULL, 0);
    if (result == -1 && errno == EAGAIN) return 0;
    return result == 0 ? 0 : -1;
#else
    (void)word; (void)expected; (void)timeout_ns;
    errno = ENOSYS;
    return -1;
#endif
}

int lab_futex_wake(uint32_t *word) {
#if defined(__linux__)
    return (int)syscall(SYS_futex, word, FUTEX_WAKE, 0x7fffffff, NULL, NULL, 0);
#else
    (void)word;
    errno = ENOSYS;
    return -1;
#endif
}

int lab_perf_counter_open(uint32_t type, uint64_t config) {
#if defined(__linux__)
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.size = sizeof(attr);
    attr.type = type;
    attr.config = config;
    attr.inherit = 1;
    attr.exclude_kernel = 1;
    attr.exclude_hv = 1;
    return (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
#else
    (void)type;
    (void)config;
    errno = ENOSYS;
    return -1;
#endif
}

long lab_send_with_descriptors(int socket, const void *bytes, unsigned long length, const int *descriptors, int count) {
#if defined(__linux__)
    if (count < 0 || count > 8) { errno = EINVAL; return -1; }
    struct iovec part = { (void *)bytes, length };
    union { struct cmsghdr header; char space[CMSG_SPACE(sizeof(int) * 8)]; } control;
    memset(&control, 0, sizeof(control));
    struct msghdr message;
    memset(&message, 0, sizeof(message));
    message.msg_iov = &part;
    message.msg_iovlen = 1;
    if (count > 0) {
        message.msg_control = control.space;
        message.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)count);
        struct cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)count);
        memcpy(CMSG_DATA(header), descriptors, sizeof(int) * (size_t)count);
    }
    ssize_t sent;
    do { sent = sendmsg(socket, &message, MSG_NOSIGNAL); } while (sent < 0 && errno == EINTR);
    return (long)sent;
#else
    (void)socket; (void)bytes; (void)length; (void)descriptors; (void)count;
    errno = ENOSYS;
    return -1;
#endif
}

long lab_receive_with_descriptors(int socket, void *bytes, unsigned long capacity, int *descriptors, int maximum, int *count) {
#if defined(__linux__)
    *count = 0;
    if (maximum < 0 || maximum > 8) { errno = EINVAL; return -1; }
    struct iovec part = { bytes, capacity };
    union { struct cmsghdr header; char space[CMSG_SPACE(sizeof(int) * 8)]; } control;
    memset(&control, 0, sizeof(control));
    struct msghdr message;
    memset(&message, 0, sizeof(message));
    message.msg_iov = &part;
    message.msg_iovlen = 1;
    message.msg_control = control.space;
    message.msg_controllen = sizeof(control.space);
    ssize_t received;
    do { received = recvmsg(socket, &message, MSG_CMSG_CLOEXEC); } while (received < 0 && errno == EINTR);
    if (received < 0) return -1;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header != NULL; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
        int arrived = (int)((header->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        int *given = (int *)CMSG_DATA(header);
        for (int index = 0; index < arrived; index++) {
            if (*count < maximum) descriptors[(*count)++] = given[index];
            else close(given[index]);
        }
    }
    return (long)received;
#else
    (void)socket; (void)bytes; (void)capacity; (void)descriptors; (void)maximum; (void)count;
    errno = ENOSYS;
    return -1;
#endif
}

int lab_child_signal_descriptor(void) {
#if defined(__linux__)
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0) return -1;
    return signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
#else
    errno = ENOSYS;
    return -1;
#endif
}

void lab_drain_signal_descriptor(int descriptor) {
#if defined(__linux__)
    struct signalfd_siginfo information;
    while (read(descriptor, &information, sizeof(information)) == (ssize_t)sizeof(information)) {}
#else
    (void)descriptor;
#endif
}

int lab_unblock_all_signals(void) {
    sigset_t mask;
    sigemptyset(&mask);
    return sigprocmask(SIG_SETMASK, &mask, NULL);
}

int lab_spawn(const char *path, char *const argv[], char *const envp[], int input, int output, int *pid) {
#if defined(__linux__)
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    int error = posix_spawn_file_actions_init(&actions);
    if (error != 0) return error;
    error = posix_spawnattr_init(&attributes);
    if (error != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return error;
    }
    sigset_t none, reset;
    sigemptyset(&none);
    sigemptyset(&reset);
    sigaddset(&reset, SIGINT);
    sigaddset(&reset, SIGTERM);
    sigaddset(&reset, SIGPIPE);
    sigaddset(&reset, SIGCHLD);
    if (error == 0) error = posix_spawn_file_actions_adddup2(&actions, input, 0);
    if (error == 0) error = posix_spawn_file_actions_adddup2(&actions, output, 1);
    if (error == 0) error = posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    if (error == 0) error = posix_spawnattr_setsigmask(&attributes, &none);
    if (error == 0) error = posix_spawnattr_setsigdefault(&attributes, &reset);
    if (error == 0) error = posix_spawnattr_setpgroup(&attributes, 0);
    if (error == 0) error = posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
    pid_t child = 0;
    if (error == 0) error = posix_spawn(&child, path, &actions, &attributes, argv, envp);
    if (error == 0) *pid = (int)child;
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    return error;
#else
    (void)path; (void)argv; (void)envp; (void)input; (void)output; (void)pid;
    return ENOSYS;
#endif
}
