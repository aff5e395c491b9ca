// One poll through the diagnosis rules (internal to the engine): the rows are bucketed once
// per process, listener and destination, then each rule reads its buckets and makes findings.
#pragma once

#include "diagnose/diagnosisengine.h"

#include "diagnose/flatmap.h"

#include <bitset>
#include <cstring>

namespace tcpscope {

// Two 64-bit compares, not a call to memcmp: this runs once per row of every poll.
inline bool sameAddress(const IpAddress &a, const IpAddress &b)
{
    std::uint64_t x[2], y[2];
    std::memcpy(x, a.bytes.data(), sizeof x);
    std::memcpy(y, b.bytes.data(), sizeof y);
    return a.family == b.family && x[0] == y[0] && x[1] == y[1];
}

struct EndpointKey
{
    IpAddress address;
    std::uint16_t port = 0;
    friend bool operator==(const EndpointKey &a, const EndpointKey &b)
    {
        return a.port == b.port && sameAddress(a.address, b.address);
    }
};
struct DestinationKey
{
    IpAddress local, remote;
    std::uint16_t remotePort = 0;
    friend bool operator==(const DestinationKey &a, const DestinationKey &b)
    {
        return a.remotePort == b.remotePort && sameAddress(a.remote, b.remote)
               && sameAddress(a.local, b.local);
    }
};
struct EndpointHash
{
    std::size_t operator()(const EndpointKey &k) const;
    std::size_t operator()(const DestinationKey &k) const;
};
struct PidHash
{
    std::size_t operator()(int pid) const
    {
        const std::uint64_t h = std::uint64_t(std::uint32_t(pid)) * 0x9e3779b97f4a7c15ull;
        return h ^ (h >> 32);
    }
};

struct Bucket
{
    int count = 0;
    double oldestSince = 0; // smallest stateSince (0: none yet)
    std::vector<std::uint64_t> sockets;
    std::uint32_t maxSendQ = 0, maxRetrans = 0; // dead peers
    void add(const SocketRow &row);
};

struct DiagnosisPass
{
    DiagnosisPass(DiagnosisEngine &e, double t, const DiagnosisRows &r, const HostFacts &f)
        : engine(e)
        , time(t)
        , rows(r)
        , facts(f)
    {}

    DiagnosisEngine &engine;
    double time;
    const DiagnosisRows &rows;
    const HostFacts &facts;
    std::vector<Finding> out;

    struct ProcessBucket : Bucket
    {
        QString name;
        int unreadData = 0, eofUnread = 0, eofRead = 0;
        FlatMap<EndpointKey, int, EndpointHash> peers; // by remote address
    };
    struct DestinationBucket : Bucket // counted only; sockets are gathered for findings
    {
        int timeWait = 0, opened = 0;
    };
    void gatherSockets(const DestinationKey &dest, Bucket &into) const;
    struct ListenerBucket
    {
        std::uint32_t queue = 0, limit = 0;
        std::uint64_t key = 0;
        bool isListener = false;
        Bucket synRecv; // request sockets, kept under the port alone (address empty)
    };
    FlatMap<int, ProcessBucket, PidHash> closeWait;
    FlatMap<DestinationKey, DestinationBucket, EndpointHash> clients, synSent;
    FlatMap<EndpointKey, ListenerBucket, EndpointHash> listeners;
    FlatMap<EndpointKey, Bucket, EndpointHash> finWait2, closeRetrans, deadPeers;
    std::bitset<65536> listeningPorts;
    // Client sockets per hash slot of their destination (an upper bound of each one's count).
    static constexpr std::size_t kApproxSlots = 1 << 17;
    std::vector<std::uint16_t> approx;
    bool anyDestinationLarge = false;
    bool direct = false; // client sockets counted exactly in the one pass
    int clientRows = 0;
    void countLargeDestinations();
    void takeBackListenerPorts();
    void countClient(const DestinationKey &key, const SocketRow &row, int sign);
    static std::size_t approxSlot(const DestinationKey &key);

    void run();
    void bucket();
    void bucketRow(const KernelPollBatch::Row &row);
    bool clientCandidate(const SocketRow &row) const;
    bool opened(const SocketRow &row) const; // new within the rate's window
    void closeWaitRule();
    void portRule();
    void listenerRule();
    void closeRules();
    void synSentRule();
    void refusedRule();
    void deadPeerRule();

    Finding &make(FindingKind kind, FindingLevel level, const QString &subject, TcpState state,
                  const Bucket &evidence, double mainValue);
    qint64 counterDelta(const QString &name) const; // over the engine's window
    double age(double since) const { return since > 0 ? time - since : 0; }
};

bool isLoopback(const IpAddress &a);

} // namespace tcpscope
