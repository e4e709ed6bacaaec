// Calls the capture tap needs that Swift cannot import directly (capture.md §4): variadic
// ioctl and fcntl, openpty's platform header, Linux serial structures, and an
// async-signal-safe stop handler. Every function returns -1 and leaves errno on failure.
#ifndef ATTRACE_CSYSTEMSHIMS_H
#define ATTRACE_CSYSTEMSHIMS_H

#include <stdint.h>
#include <termios.h>

/// Modem-line counters of a serial port (Linux TIOCGICOUNT).
struct attrace_line_counters {
    int32_t cts, dsr, ring, dcd, rx, tx, frame, overrun, parity, brk, buffer_overrun;
};

/// openpty(3) with no name buffer and no settings; the slave path comes from ttyname_r.
int attrace_openpty(int *master, int *slave);

/// Packet mode on a pty master (TIOCPKT): every read starts with a status byte.
int attrace_set_packet_mode(int master, int enabled);
/// The pty's EXTPROC bit as seen through the master (TIOCPKT_IOCTL needs it set).
int attrace_extproc_flag(void);
/// Status bits of a packet-mode read.
int attrace_packet_flush_read(void);
int attrace_packet_flush_write(void);
int attrace_packet_stop(void);
int attrace_packet_start(void);
int attrace_packet_no_stop(void);
int attrace_packet_do_stop(void);
int attrace_packet_ioctl(void);

/// Exclusive use of a tty (TIOCEXCL): other non-root openers get EBUSY.
int attrace_set_exclusive(int fd, int exclusive);
/// Modem lines (TIOCMGET); -1 with ENOTTY or EINVAL on a pty.
int attrace_get_modem_lines(int fd, int *lines);
/// Raises (TIOCMBIS) or lowers (TIOCMBIC) the given lines.
int attrace_set_modem_lines(int fd, int lines, int raise);
/// Bytes waiting in the output queue (TIOCOUTQ).
int attrace_output_queue_length(int fd, int *count);
/// Bytes readable now (FIONREAD).
int attrace_readable_length(int fd, int *count);
/// Line counters (TIOCGICOUNT); -1 with ENOTTY where the driver has none.
int attrace_get_line_counters(int fd, struct attrace_line_counters *counters);
/// Sets ASYNC_LOW_LATENCY (TIOCSSERIAL); 1 when set, 0 when the driver has no such flag.
int attrace_set_low_latency(int fd);

/// Bits of the modem-line word.
int attrace_line_dtr(void);
int attrace_line_rts(void);
int attrace_line_cts(void);
int attrace_line_dsr(void);
int attrace_line_dcd(void);
int attrace_line_ring(void);

/// Adds O_NONBLOCK and FD_CLOEXEC to a descriptor.
int attrace_make_nonblocking(int fd);

/// Installs handlers for SIGTERM, SIGINT, SIGHUP (stop) and SIGUSR1 (mark) that write the
/// signal number as one byte to wake_fd (a non-blocking pipe), and ignores SIGPIPE.
int attrace_install_stop_handlers(int wake_fd);
/// The last stop signal received, or 0; clears it.
int attrace_take_stop_signal(void);
/// Restores the default action of the stop signals.
void attrace_remove_stop_handlers(void);

#endif
