/* The few kernel structure fields the BPF program reads, declared for CO-RE: libbpf moves
 * each access to the running kernel's offset at load time (from its BTF), so the build needs
 * neither the build machine's kernel nor a generated vmlinux.h. The "___ts" suffix keeps the
 * names apart from uapi headers; libbpf ignores it when matching. Field names as in
 * include/net/sock.h, include/net/inet_timewait_sock.h and include/linux/in6.h. */
#ifndef TCPSCOPE_KERNEL_STRUCTS_H
#define TCPSCOPE_KERNEL_STRUCTS_H

#define TCPSCOPE_CORE __attribute__((preserve_access_index))

struct in6_addr___ts
{
    union {
        __u8 u6_addr8[16];
    } in6_u;
} TCPSCOPE_CORE;

struct hlist_nulls_node___ts
{
    struct hlist_nulls_node___ts *next, **pprev;
} TCPSCOPE_CORE;

struct timer_list___ts
{
    unsigned long expires; /* in jiffies */
    void *function;
} TCPSCOPE_CORE;

struct ns_common___ts
{
    unsigned int inum;
} TCPSCOPE_CORE;

struct net___ts
{
    struct ns_common___ts ns;
} TCPSCOPE_CORE;

struct sock_common___ts
{
    __be32 skc_daddr;
    __be32 skc_rcv_saddr;
    __be16 skc_dport;
    __u16 skc_num;
    unsigned short skc_family;
    volatile unsigned char skc_state; /* TCP_TIME_WAIT for a minisocket */
    struct
    {
        struct net___ts *net;
    } skc_net; /* possible_net_t */
    struct in6_addr___ts skc_v6_daddr;
    struct in6_addr___ts skc_v6_rcv_saddr;
    struct
    {
        __s64 counter;
    } skc_cookie;
    unsigned long skc_flags; /* sk_flags; bit SOCK_DONE (1): a FIN was received */
    struct hlist_nulls_node___ts skc_nulls_node; /* pprev is NULL once unhashed */
} TCPSCOPE_CORE;

struct sock___ts
{
    struct sock_common___ts __sk_common;
    __u16 sk_protocol;
} TCPSCOPE_CORE;

struct inet_sock___ts
{
    __be16 inet_sport; /* survives the port's release at CLOSE, unlike skc_num */
} TCPSCOPE_CORE;

struct inet_timewait_sock___ts
{
    struct sock_common___ts __tw_common;
    unsigned char tw_substate;
    __be16 tw_sport;
    struct timer_list___ts tw_timer;
} TCPSCOPE_CORE;

#endif
