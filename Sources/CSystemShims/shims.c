#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "CSystemShims.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#if defined(__linux__)
#include <linux/serial.h>
#include <pty.h>
#elif defined(__APPLE__)
#include <util.h>
#endif

int attrace_openpty(int *master, int *slave) {
    return openpty(master, slave, NULL, NULL, NULL);
}

int attrace_set_packet_mode(int master, int enabled) {
    int value = enabled;
    return ioctl(master, TIOCPKT, &value);
}

int attrace_extproc_flag(void) {
#ifdef EXTPROC
    return EXTPROC;
#else
    return 0;
#endif
}

int attrace_packet_flush_read(void) { return TIOCPKT_FLUSHREAD; }
int attrace_packet_flush_write(void) { return TIOCPKT_FLUSHWRITE; }
int attrace_packet_stop(void) { return TIOCPKT_STOP; }
int attrace_packet_start(void) { return TIOCPKT_START; }
int attrace_packet_no_stop(void) { return TIOCPKT_NOSTOP; }
int attrace_packet_do_stop(void) { return TIOCPKT_DOSTOP; }
int attrace_packet_ioctl(void) {
#ifdef TIOCPKT_IOCTL
    return TIOCPKT_IOCTL;
#else
    return 0;
#endif
}

int attrace_set_exclusive(int fd, int exclusive) {
    return ioctl(fd, exclusive ? TIOCEXCL : TIOCNXCL);
}

int attrace_get_modem_lines(int fd, int *lines) {
    return ioctl(fd, TIOCMGET, lines);
}

int attrace_set_modem_lines(int fd, int lines, int raise) {
    return ioctl(fd, raise ? TIOCMBIS : TIOCMBIC, &lines);
}

int attrace_output_queue_length(int fd, int *count) {
    return ioctl(fd, TIOCOUTQ, count);
}

int attrace_readable_length(int fd, int *count) {
    return ioctl(fd, FIONREAD, count);
}

int attrace_get_line_counters(int fd, struct attrace_line_counters *counters) {
#if defined(__linux__)
    struct serial_icounter_struct raw;
    memset(&raw, 0, sizeof raw);
    if (ioctl(fd, TIOCGICOUNT, &raw) != 0) return -1;
    counters->cts = raw.cts;
    counters->dsr = raw.dsr;
    counters->ring = raw.rng;
    counters->dcd = raw.dcd;
    counters->rx = raw.rx;
    counters->tx = raw.tx;
    counters->frame = raw.frame;
    counters->overrun = raw.overrun;
    counters->parity = raw.parity;
    counters->brk = raw.brk;
    counters->buffer_overrun = raw.buf_overrun;
    return 0;
#else
    (void)fd;
    (void)counters;
    errno = ENOTTY;
    return -1;
#endif
}

int attrace_set_low_latency(int fd) {
#if defined(__linux__)
    struct serial_struct serial;
    memset(&serial, 0, sizeof serial);
    if (ioctl(fd, TIOCGSERIAL, &serial) != 0) return errno == ENOTTY || errno == EINVAL ? 0 : -1;
    if (serial.flags & ASYNC_LOW_LATENCY) return 1;
    serial.flags |= ASYNC_LOW_LATENCY;
    if (ioctl(fd, TIOCSSERIAL, &serial) != 0) return errno == ENOTTY || errno == EINVAL ? 0 : -1;
    return 1;
#else
    (void)fd;
    return 0;
#endif
}

int attrace_line_dtr(void) { return TIOCM_DTR; }
int attrace_line_rts(void) { return TIOCM_RTS; }
int attrace_line_cts(void) { return TIOCM_CTS; }
int attrace_line_dsr(void) { return TIOCM_DSR; }
int attrace_line_dcd(void) { return TIOCM_CAR; }
int attrace_line_ring(void) { return TIOCM_RNG; }

int attrace_make_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) return -1;
    int descriptor_flags = fcntl(fd, F_GETFD);
    if (descriptor_flags < 0 || fcntl(fd, F_SETFD, descriptor_flags | FD_CLOEXEC) != 0) return -1;
    return 0;
}

// The handler may only touch these two (async-signal safety).
static volatile sig_atomic_t stop_signal = 0;
static volatile sig_atomic_t stop_wake_fd = -1;

static void stop_handler(int signal_number) {
    int saved = errno;
    if (signal_number != SIGUSR1) stop_signal = signal_number;
    if (stop_wake_fd >= 0) {
        char byte = (char)signal_number;
        ssize_t ignored = write(stop_wake_fd, &byte, 1);
        (void)ignored;
    }
    errno = saved;
}

int attrace_install_stop_handlers(int wake_fd) {
    stop_wake_fd = wake_fd;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = stop_handler;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGHUP, &action, NULL);
    sigaction(SIGUSR1, &action, NULL);
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

int attrace_take_stop_signal(void) {
    int value = stop_signal;
    stop_signal = 0;
    return value;
}

void attrace_remove_stop_handlers(void) {
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGUSR1, SIG_DFL);
    stop_wake_fd = -1;
}
