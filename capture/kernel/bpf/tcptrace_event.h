/* One TCP state change as the BPF program (tcptrace.bpf.c) reports it through its ring buffer
 * and the trace helper (tcpscope-trace) forwards it to tcpscope. Plain C with fixed-size
 * fields: the BPF program, the helper and the reader (kernel/traceprotocol.h) share it.
 * Addresses in network byte order, ports in host byte order, states as Linux numbers
 * (include/net/tcp_states.h: TCP_ESTABLISHED = 1 ... TCP_CLOSING = 11). */
#ifndef TCPSCOPE_TCPTRACE_EVENT_H
#define TCPSCOPE_TCPTRACE_EVENT_H

#ifdef __cplusplus
#include <cstdint>
typedef std::uint8_t tcptrace_u8;
typedef std::uint16_t tcptrace_u16;
typedef std::uint32_t tcptrace_u32;
typedef std::uint64_t tcptrace_u64;
#else
typedef __u8 tcptrace_u8;
typedef __u16 tcptrace_u16;
typedef __u32 tcptrace_u32;
typedef __u64 tcptrace_u64;
#endif

/* Which hook saw the change. */
enum tcptrace_kind {
    TCPTRACE_SET_STATE = 0,   /* tracepoint sock:inet_sock_set_state (a full socket) */
    TCPTRACE_TW_ENTER = 1,    /* the socket became a TIME_WAIT minisocket: the tracepoint's
                                 "X -> CLOSE" reported as "X -> its substate" (TIME_WAIT,
                                 or FIN_WAIT_2 for an orphan waiting for the peer's FIN) */
    TCPTRACE_TW_SUBSTATE = 2, /* an orphan's FIN_WAIT_2 minisocket got the peer's FIN:
                                 FIN_WAIT_2 -> TIME_WAIT */
    TCPTRACE_TW_EXIT = 3,     /* the minisocket's timer expired (substate -> CLOSE) */
    TCPTRACE_TW_KILL = 4,     /* the minisocket ended before its timer: reused by a new
                                 connection, a SYN or RST reached it, ss -K (substate -> CLOSE) */
};

/* In what context the kernel made the change. */
enum tcptrace_context {
    TCPTRACE_PROCESS = 0, /* a system call of pid/comm */
    TCPTRACE_SOFTIRQ = 1, /* packet receive or a timer: no process caused it (pid 0) */
    TCPTRACE_UNKNOWN = 2, /* this kernel does not let us tell: pid/comm may be unrelated */
};

struct tcptrace_event
{
    tcptrace_u64 monotonic_ns; /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
    tcptrace_u64 cookie;       /* the socket cookie, as sock_diag reports it */
    tcptrace_u32 pid;          /* thread group id; 0 when no process caused it */
    tcptrace_u32 tid;
    tcptrace_u8 saddr[16]; /* local address: 4 bytes for AF_INET, 16 for AF_INET6 */
    tcptrace_u8 daddr[16]; /* remote address */
    tcptrace_u16 sport;    /* local port */
    tcptrace_u16 dport;    /* remote port */
    tcptrace_u16 family;   /* AF_INET (2) or AF_INET6 (10) */
    tcptrace_u8 oldstate;
    tcptrace_u8 newstate;
    tcptrace_u8 kind;    /* enum tcptrace_kind */
    tcptrace_u8 context; /* enum tcptrace_context */
    tcptrace_u8 reserved[2];
    tcptrace_u32 netns; /* the socket's network namespace (its inode: ns.inum) */
    char comm[16];
};

#endif
