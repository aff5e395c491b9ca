/* tcpscope's kernel trace: every TCP state change, as the kernel makes it.
 *
 *   tp_btf/inet_sock_set_state     every state change of a full socket. Its "X -> CLOSE" of
 *                                  a socket that tcp_time_wait() has already replaced by a
 *                                  TIME_WAIT minisocket (the full socket is no longer in the
 *                                  established hash) is reported as "X -> TIME_WAIT" (or
 *                                  FIN_WAIT_2, the substate of an orphaned socket)
 *   tp_btf/kfree_skb               a packet freed after a minisocket received it (its rx_sk,
 *                                  Linux >= 6.12): an orphan's FIN_WAIT_2 minisocket that
 *                                  now says TIME_WAIT got the peer's FIN
 *   tp_btf/timer_expire_entry      the minisocket's timer (tw_timer_handler) fires: it expires
 *   tp_btf/timer_cancel, _start    the minisocket's timer taken off before it is due: killed
 *                                  early (inet_twsk_deschedule_put: reused, a SYN or RST, ss
 *                                  -K), unless re-armed at once (__mod_timer cancels and
 *                                  starts it again on the same CPU, interrupts off)
 *   tp_btf/softirq_entry, _exit    tell packet- and timer-driven changes (no process) from
 *                                  system calls
 *
 * Only BTF-typed tracepoints: the test machine's kernel refuses kprobes and fentry. What a
 * kernel lacks, the helper switches off and the reader takes from the poller. Only the
 * helper's own network namespace is traced: the sockets its reader polls. Events go to user
 * space through one ring buffer; what does not fit is counted in `lost`. */
#include <linux/bpf.h>
#include <linux/types.h>

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "kernel_structs.h"
#include "tcptrace_event.h"

#define AF_INET 2
#define IPPROTO_TCP 6
#define TCP_FIN_WAIT2 5
#define TCP_TIME_WAIT 6 /* also the skc_state of every minisocket */
#define TCP_CLOSE 7
#define TCP_CLOSING 11
#define SOCK_DONE 1 /* enum sock_flags, unchanged since Linux 2.6 */

char LICENSE[] SEC("license") = "GPL";

/* Set by the helper before loading. */
const volatile __u32 context_known = 0;    /* the softirq hooks are attached */
const volatile __u64 tw_timer_handler = 0; /* its address (/proc/kallsyms), 0: unknown */
const volatile __u32 netns_inum = 0;       /* only this network namespace's sockets (0: all,
                                              each event labelled with its namespace) */
const volatile __u32 substate_known = 0;   /* on_packet_freed is attached */
const volatile __u32 kill_known = 0;       /* on_timer_cancel and on_timer_start are attached */

struct
{
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 1 << 24); /* the helper sets the size */
} events SEC(".maps");

/* Events that did not fit into the ring buffer, per CPU. */
struct
{
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} lost SEC(".maps");

/* Orphans' FIN_WAIT_2 minisockets still waiting for the peer's FIN, by cookie. */
struct
{
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 65536);
    __type(key, __u64);
    __type(value, __u8);
} fin_wait2 SEC(".maps");

/* A minisocket's timer cancelled before it was due, on this CPU: its end, unless the very
 * next timer event here starts the same timer again (a re-arm). */
struct pending_kill
{
    __u64 timer; /* 0: none */
    struct tcptrace_event event;
};
struct
{
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct pending_kill);
} pending SEC(".maps");

/* 1 while this CPU runs softirq handlers: the TCP state changes made there come from a
 * packet or a timer, not from the task they interrupted. */
struct
{
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u32);
} in_softirq SEC(".maps");

static __always_inline void set_in_softirq(__u32 value)
{
    __u32 zero = 0;
    __u32 *flag = bpf_map_lookup_elem(&in_softirq, &zero);
    if (flag)
        *flag = value;
}

static __always_inline __u8 current_context(void)
{
    if (!context_known)
        return TCPTRACE_UNKNOWN;
    __u32 zero = 0;
    const __u32 *flag = bpf_map_lookup_elem(&in_softirq, &zero);
    return flag && *flag ? TCPTRACE_SOFTIRQ : TCPTRACE_PROCESS;
}

static __always_inline void fill_endpoints(struct tcptrace_event *e,
                                           const struct sock_common___ts *skc)
{
    e->family = BPF_CORE_READ(skc, skc_family);
    e->dport = __builtin_bswap16(BPF_CORE_READ(skc, skc_dport));
    __builtin_memset(e->saddr, 0, sizeof(e->saddr));
    __builtin_memset(e->daddr, 0, sizeof(e->daddr));
    if (e->family == AF_INET) {
        bpf_core_read(e->saddr, 4, &skc->skc_rcv_saddr);
        bpf_core_read(e->daddr, 4, &skc->skc_daddr);
    } else {
        bpf_core_read(e->saddr, 16, &skc->skc_v6_rcv_saddr.in6_u.u6_addr8);
        bpf_core_read(e->daddr, 16, &skc->skc_v6_daddr.in6_u.u6_addr8);
    }
}

static __always_inline void count_lost(void)
{
    __u32 zero = 0;
    __u64 *n = bpf_map_lookup_elem(&lost, &zero);
    if (n)
        *n += 1;
}

/* sport: the local port, network byte order. */
static __always_inline void fill_event(struct tcptrace_event *e, const struct sock_common___ts *skc,
                                       __be16 sport, __u64 cookie, int oldstate, int newstate,
                                       __u8 kind)
{
    e->monotonic_ns = bpf_ktime_get_ns();
    e->cookie = cookie;
    fill_endpoints(e, skc);
    e->sport = __builtin_bswap16(sport);
    e->oldstate = oldstate;
    e->newstate = newstate;
    e->kind = kind;
    e->context = current_context();
    __builtin_memset(e->reserved, 0, sizeof(e->reserved));
    e->netns = BPF_CORE_READ(skc, skc_net.net, ns.inum); /* whose view the change belongs to */
    __builtin_memset(e->comm, 0, sizeof(e->comm));
    e->pid = 0;
    e->tid = 0;
    if (e->context != TCPTRACE_SOFTIRQ) {
        const __u64 id = bpf_get_current_pid_tgid();
        e->pid = id >> 32;
        e->tid = (__u32)id;
        bpf_get_current_comm(e->comm, sizeof(e->comm));
    }
}

static __always_inline int in_our_netns(const struct sock_common___ts *skc)
{
    /* another namespace's socket: the poller does not see it either */
    return !netns_inum || BPF_CORE_READ(skc, skc_net.net, ns.inum) == netns_inum;
}

static __always_inline void submit(const struct sock_common___ts *skc, __be16 sport, __u64 cookie,
                                   int oldstate, int newstate, __u8 kind)
{
    if (!in_our_netns(skc))
        return;
    struct tcptrace_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    if (!e) {
        count_lost();
        return;
    }
    fill_event(e, skc, sport, cookie, oldstate, newstate, kind);
    bpf_ringbuf_submit(e, 0);
}

/* Sends this CPU's pending kill, unless `timer` is the one re-armed (then it is dropped). */
static __always_inline void settle_pending(__u64 timer)
{
    if (!kill_known)
        return;
    __u32 zero = 0;
    struct pending_kill *p = bpf_map_lookup_elem(&pending, &zero);
    if (!p || !p->timer)
        return;
    const int rearmed = p->timer == timer;
    p->timer = 0;
    if (rearmed)
        return;
    bpf_map_delete_elem(&fin_wait2, &p->event.cookie);
    if (bpf_ringbuf_output(&events, &p->event, sizeof(p->event), 0) != 0)
        count_lost();
}

/* tcp_time_wait() hashes the minisocket in place of the full socket before tcp_done() moves
 * the full socket to CLOSE: a closing socket already out of the hash became a minisocket.
 * Its substate (what ss shows) is TIME_WAIT from CLOSING, or from FIN_WAIT_2 once the peer's
 * FIN arrived (tcp_fin() sets SOCK_DONE); FIN_WAIT_2 for an orphan still waiting for it.
 * Returns the substate, or 0 for a plain close. */
static __always_inline int timewait_substate(const struct sock___ts *sk, int oldstate)
{
    if (oldstate != TCP_FIN_WAIT2 && oldstate != TCP_CLOSING)
        return 0;
    if (BPF_CORE_READ(sk, __sk_common.skc_nulls_node.pprev) != 0)
        return 0;
    if (oldstate == TCP_CLOSING || (BPF_CORE_READ(sk, __sk_common.skc_flags) & (1ul << SOCK_DONE)))
        return TCP_TIME_WAIT;
    return TCP_FIN_WAIT2;
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(on_set_state, struct sock___ts *sk, int oldstate, int newstate)
{
    if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
        return 0;
    settle_pending(0);
    const __u64 cookie = bpf_get_socket_cookie(sk);
    const __be16 sport = BPF_CORE_READ((const struct inet_sock___ts *)sk, inet_sport);
    const int substate = newstate == TCP_CLOSE ? timewait_substate(sk, oldstate) : 0;
    if (substate == TCP_FIN_WAIT2 && substate_known && in_our_netns(&sk->__sk_common)) {
        const __u8 one = 1;
        bpf_map_update_elem(&fin_wait2, &cookie, &one, BPF_ANY);
    }
    if (substate)
        submit(&sk->__sk_common, sport, cookie, oldstate, substate, TCPTRACE_TW_ENTER);
    else
        submit(&sk->__sk_common, sport, cookie, oldstate, newstate, TCPTRACE_SET_STATE);
    return 0;
}

static __always_inline const struct inet_timewait_sock___ts *minisocket_of(const void *timer)
{
    return (const void *)((const char *)timer
                          - bpf_core_field_offset(struct inet_timewait_sock___ts, tw_timer));
}

static __always_inline int is_tw_timer(const struct timer_list___ts *timer)
{
    return tw_timer_handler && (__u64)BPF_CORE_READ(timer, function) == tw_timer_handler;
}

static __always_inline void submit_tw(const struct inet_timewait_sock___ts *tw, int oldstate,
                                      int newstate, __u8 kind)
{
    submit(&tw->__tw_common, BPF_CORE_READ(tw, tw_sport),
           BPF_CORE_READ(tw, __tw_common.skc_cookie.counter), oldstate, newstate, kind);
}

/* An orphan's FIN_WAIT_2 minisocket whose substate now says TIME_WAIT: the peer's FIN came
 * (tcp_timewait_state_process). Reported once. */
static __always_inline void check_substate(const struct inet_timewait_sock___ts *tw)
{
    if (BPF_CORE_READ(tw, tw_substate) != TCP_TIME_WAIT)
        return;
    __u64 cookie = BPF_CORE_READ(tw, __tw_common.skc_cookie.counter);
    if (bpf_map_delete_elem(&fin_wait2, &cookie) == 0)
        submit_tw(tw, TCP_FIN_WAIT2, TCP_TIME_WAIT, TCPTRACE_TW_SUBSTATE);
}

SEC("tp_btf/kfree_skb")
int BPF_PROG(on_packet_freed, void *skb, void *location, int reason,
             const struct sock_common___ts *rx_sk)
{
    settle_pending(0);
    if (rx_sk && BPF_CORE_READ(rx_sk, skc_state) == TCP_TIME_WAIT)
        check_substate((const struct inet_timewait_sock___ts *)rx_sk);
    return 0;
}

SEC("tp_btf/timer_start")
int BPF_PROG(on_timer_start, struct timer_list___ts *timer)
{
    settle_pending((__u64)timer);
    if (substate_known && is_tw_timer(timer))
        check_substate(minisocket_of(timer)); /* a re-arm after the FIN: the same news */
    return 0;
}

SEC("tp_btf/timer_cancel")
int BPF_PROG(on_timer_cancel, struct timer_list___ts *timer)
{
    settle_pending(0);
    if (!is_tw_timer(timer))
        return 0;
    /* Due already: the expiry (on_timer_expire reports it). */
    if ((long)(BPF_CORE_READ(timer, expires) - bpf_jiffies64()) <= 0)
        return 0;
    const struct inet_timewait_sock___ts *tw = minisocket_of(timer);
    if (!in_our_netns(&tw->__tw_common))
        return 0;
    __u32 zero = 0;
    struct pending_kill *p = bpf_map_lookup_elem(&pending, &zero);
    if (!p)
        return 0;
    fill_event(&p->event, &tw->__tw_common, BPF_CORE_READ(tw, tw_sport),
               BPF_CORE_READ(tw, __tw_common.skc_cookie.counter), BPF_CORE_READ(tw, tw_substate),
               TCP_CLOSE, TCPTRACE_TW_KILL);
    p->timer = (__u64)timer;
    return 0;
}

SEC("tp_btf/timer_expire_entry")
int BPF_PROG(on_timer_expire, struct timer_list___ts *timer)
{
    settle_pending(0);
    if (!is_tw_timer(timer))
        return 0;
    const struct inet_timewait_sock___ts *tw = minisocket_of(timer);
    __u64 cookie = BPF_CORE_READ(tw, __tw_common.skc_cookie.counter);
    bpf_map_delete_elem(&fin_wait2, &cookie);
    submit_tw(tw, BPF_CORE_READ(tw, tw_substate), TCP_CLOSE, TCPTRACE_TW_EXIT);
    return 0;
}

SEC("tp_btf/softirq_entry")
int BPF_PROG(on_softirq_entry)
{
    set_in_softirq(1);
    return 0;
}

SEC("tp_btf/softirq_exit")
int BPF_PROG(on_softirq_exit)
{
    settle_pending(0);
    set_in_softirq(0);
    return 0;
}
