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

#include <stdint.h>

/// Creates an anonymous memory file of `bytes` bytes (close-on-exec, sealable), the shared
/// region of an `shm` worker or a mapped dataset; returns its descriptor or -1 with errno set.
/// The corresponding C calls are `memfd_create` and `ftruncate`.
int lab_memory_file(const char *name, uint64_t bytes);

/// Seals a memory file made by `lab_memory_file`: its size can no longer change (no process
/// can shrink it under a mapping, which would kill the mapper with SIGBUS, or grow it), no
/// seal can be added or removed, and with `writes_too` no process can write it or map it
/// writable from now on (mappings made before stay as they are). Returns 0, or -1 with errno.
/// The corresponding C call is `fcntl(F_ADD_SEALS)`; `F_SEAL_FUTURE_WRITE` needs Linux 5.1.
int lab_seal_memory_file(int descriptor, int writes_too);

/// The seals of a memory file (`F_SEAL_*` bits), or -1 with errno. `fcntl(F_GET_SEALS)`.
int lab_memory_file_seals(int descriptor);

/// `pipe2(O_CLOEXEC)` and `accept4(SOCK_CLOEXEC)`: a descriptor closed on exec from the
/// moment it exists (Swift's Glibc does not import these GNU calls). -1 with errno.
int lab_pipe_closed_on_exec(int descriptors[2]);
int lab_accept_closed_on_exec(int listening);

/// epoll, for the event loop of the async mode (Swift cannot import the packed
/// `struct epoll_event`): a close-on-exec epoll descriptor; watch `descriptor` for `events`
/// (EPOLLIN, EPOLLOUT, EPOLLONESHOT...) under `token`, added or changed; forget it; wait at
/// most `timeout_milliseconds` (-1: for ever) for up to `capacity` (at most 256) ready ones,
/// whose tokens and events are written out. -1 with errno on failure.
int lab_epoll_create(void);
int lab_epoll_watch(int epoll, int descriptor, uint32_t events, uint64_t token);
int lab_epoll_forget(int epoll, int descriptor);
int lab_epoll_wait(int epoll, uint64_t *tokens, uint32_t *events, int capacity, int timeout_milliseconds);
/// An eventfd (close-on-exec, non-blocking) that wakes an epoll wait when written.
int lab_event_counter(void);
/// A non-blocking, close-on-exec TCP socket; an accepted connection made the same.
int lab_socket_nonblocking_stream(void);
int lab_accept_nonblocking(int listening);
/// The pending error of a socket (`getsockopt(SO_ERROR)`): 0, or an errno value.
int lab_socket_error(int descriptor);

/// A descriptor that names process `pid` for as long as it is open, even after the process
/// ends and its number is given to another (Linux 5.3); -1 with errno (ENOSYS before 5.3).
/// The corresponding C call is `syscall(SYS_pidfd_open)`.
int lab_pidfd_open(int pid);

/// Sends a signal to the process a pidfd names: never to another that took its number.
/// The corresponding C call is `syscall(SYS_pidfd_send_signal)`.
int lab_pidfd_send_signal(int descriptor, int signal_number);

/// Closes every descriptor from `lowest` up (Linux 5.9); -1 with errno where it cannot.
/// The corresponding C call is `syscall(SYS_close_range)`.
int lab_close_from(int lowest);

/// Starts `path` with `argv` and `envp` (both NULL-terminated), its standard input and output
/// being `input` and `output`, every other descriptor closed, no signal blocked, and SIGINT,
/// SIGTERM, SIGPIPE and SIGCHLD at their defaults, in a process group of its own (as
/// Foundation's Process does: a terminal's Ctrl-C reaches the lab, which stops its children)
/// (posix_spawn, no thread of its own watching the child). Returns 0 and sets `pid`, or the
/// error number.
int lab_spawn(const char *path, char *const argv[], char *const envp[], int input, int output, int *pid);

/// Atomic loads and stores on memory shared between processes. Swift's Synchronization
/// module has atomics only as values at a fixed address of their own; these work on any
/// aligned word of a mapped region.
uint64_t lab_load_acquire_u64(const uint64_t *word);
void lab_store_release_u64(uint64_t *word, uint64_t value);
uint32_t lab_load_acquire_u32(const uint32_t *word);
void lab_store_release_u32(uint32_t *word, uint32_t value);
/// A full (sequentially consistent) fence: a store before it is seen by every other CPU
/// before a load after it reads.
void lab_full_fence(void);
/// The CPU's spin-wait hint (`pause` on x86).
void lab_cpu_relax(void);

/// Sleeps while `*word == expected`, at most `timeout_ns` nanoseconds (a shared futex, so
/// that another process mapping the same memory can wake it). Returns 0 when woken or when
/// the word had already changed, -1 with errno set (ETIMEDOUT, EINTR, EAGAIN) otherwise.
int lab_futex_wait(uint32_t *word, uint32_t expected, int64_t timeout_ns);
/// Wakes every thread sleeping on `word`; returns how many, or -1 with errno set.
int lab_futex_wake(uint32_t *word);

/// Opens a counter of the calling thread and of every thread and child process it creates
/// from now on (`inherit`), user space only, enabled at once: `type` and `config` as
/// `perf_event_attr` takes them (type 0 is hardware: config 0 cycles, 1 instructions,
/// 3 cache misses). Returns its descriptor (close-on-exec), or -1 with errno set: ENOENT or
/// EOPNOTSUPP where the machine offers no such counter (a VM without a virtual PMU), EACCES
/// where `perf_event_paranoid` forbids it. The corresponding C call is `perf_event_open`,
/// which glibc does not wrap.
int lab_perf_counter_open(uint32_t type, uint64_t config);

/// Sends one message of `length` bytes with `count` descriptors (SCM_RIGHTS) over a Unix
/// socket. Returns the bytes sent, or -1 with errno set.
long lab_send_with_descriptors(int socket, const void *bytes, unsigned long length, const int *descriptors, int count);
/// Receives one message: at most `capacity` bytes and at most `maximum` descriptors, which
/// arrive close-on-exec; `*count` is set to how many. Returns the bytes received (0 at the
/// end of the stream), or -1 with errno set.
long lab_receive_with_descriptors(int socket, void *bytes, unsigned long capacity, int *descriptors, int maximum, int *count);
/// Blocks SIGCHLD in the calling thread and returns a descriptor (close-on-exec, non-blocking)
/// that becomes readable when a child changes state, or -1 with errno set (`signalfd`).
int lab_child_signal_descriptor(void);
/// Reads and discards what a `lab_child_signal_descriptor` holds.
void lab_drain_signal_descriptor(int descriptor);
/// Unblocks every signal of the calling thread (a process started from a thread that blocked
/// some inherits its mask).
int lab_unblock_all_signals(void);

#endif
