// The stream `tcpscope-cli watch --format stream` writes and a remote tab reads over SSH: one
// JSON object a line. Both ends use this header; every line type and field is spelled once, in
// watchstream.cpp (the writer) and watchstreamparser.cpp (the reader). Documented in
// docs/watch-stream.md with its version rule:
//
//   header    {format: "tcpscope-watch", version, host, kernel, interval_ms, source,
//              tcpscope, processes, time}                                 first line, once
//   settings  {sysctls {name: text|null}}                once, then when one of them changes
//   facts     {ports [low, high], reserved, tw_reuse, timestamps, syncookies, max_orphans,
//              orphans, counters {TcpExt name: n}}      before a poll, when one of them changed
//   snapshot  {time}                         a full table follows: forget what you hold
//   +         {c, la, lp, ra, rp, s, tm, x, r, rq, sq, u, i, o, p, k}  a socket appeared
//   ~         (the same fields)                       a socket changed: its whole record
//   -         {c}                                      a socket vanished
//   poll      {time, n, src, read_ms, proc_ms, diff_ms, notice}    a poll is complete: apply it
//
// c is the socket's identity (its cookie; a hash of the 4-tuple from /proc); x, the time left
// on its timer, is as of the poll that sent the record: a reader ages it, and the writer sends
// the socket again when that estimate is off by more than a second. Fields at zero, and an
// empty process list, are left out.
#pragma once

#include "diagnose/hostfacts.h"
#include "kernel/kernelpoller.h"
#include "kernel/systemsettings.h"

#include <QByteArrayView>
#include <QString>

#include <string>
#include <unordered_map>
#include <vector>

namespace tcpscope {

inline constexpr char kWatchStreamFormat[] = "tcpscope-watch";
inline constexpr int kWatchStreamVersion = 1;

struct WatchStreamHeader
{
    QString format = QString::fromLatin1(kWatchStreamFormat);
    int version = kWatchStreamVersion;
    QString host;
    QString kernel;
    int intervalMs = 1000;
    QString source; // "netlink sock_diag", "/proc/net/tcp"
    QString tcpscope;
    bool processes = true;
    double time = 0;
};

// This machine's header for a stream polled every intervalMs.
WatchStreamHeader localStreamHeader(int intervalMs, const QString &source, bool processes);

// One socket as the stream carries it: its record and who holds it (pid and name).
struct StreamSocket
{
    SocketRecord record;
    Ownership ownership = Ownership::NotFound;
    std::vector<ProcessInfo> processes; // cmdline is not carried
    double at = 0; // the poll time it was sent at (what its timer's time left is as of)
};

// The time left on s's timer at `now`, aged from when it was sent.
std::uint32_t agedTimerMs(const StreamSocket &s, double now);

class WatchStreamWriter
{
public:
    void writeHeader(std::string &out, const WatchStreamHeader &h) const;
    // One poll: the first one (and the first after reset()) as a snapshot, then only what
    // appeared, changed or vanished since the last one.
    void writePoll(std::string &out, const KernelPollBatch &batch);
    // Written once and then only when a value changed.
    void writeSettings(std::string &out, const std::vector<SettingValue> &sysctls);
    void writeFacts(std::string &out, const HostFacts &facts);
    void reset() { m_sent.clear(), m_snapshotSent = false; }

    struct Counts
    {
        int appeared = 0, changed = 0, vanished = 0;
    };
    Counts lastCounts() const { return m_counts; } // of the last writePoll()

private:
    std::unordered_map<std::uint64_t, StreamSocket> m_sent;
    bool m_snapshotSent = false;
    std::vector<SettingValue> m_settings;
    bool m_settingsSent = false;
    std::string m_facts; // the last facts line
    Counts m_counts;
};

// Reads the stream a line at a time and keeps the table it describes.
class WatchStreamParser
{
public:
    enum class Line { Header, Settings, Facts, Poll, Other, Error };
    Line feed(QByteArrayView line);

    bool hasHeader() const { return m_hasHeader; }
    const WatchStreamHeader &header() const { return m_header; }
    QString error() const { return m_error; } // after Line::Error
    const std::vector<SettingValue> &settings() const { return m_settings; }
    const HostFacts &facts() const { return m_facts; }

    // After Line::Poll: the poll's time and costs, and the table as it now is.
    struct Poll
    {
        PollStats stats;
        QString source;
        QString notice;
        bool snapshot = false; // this poll began with a full table
    };
    const Poll &poll() const { return m_poll; }
    const std::unordered_map<std::uint64_t, StreamSocket> &sockets() const { return m_sockets; }
    // Sockets that vanished in the last kGoneSeconds (a "-" line, or missing from a new
    // snapshot), as they were last sent: whose a fading row was.
    const std::unordered_map<std::uint64_t, StreamSocket> &gone() const { return m_gone; }
    static constexpr double kGoneSeconds = 30;
    // A new stream of the same host (after a reconnection): its header and snapshot follow;
    // what the last one held becomes gone() once the snapshot's poll shows it missing.
    void restart();

private:
    Line fail(const QString &why);

    WatchStreamHeader m_header;
    bool m_hasHeader = false;
    bool m_inSnapshot = false;
    QString m_error;
    std::vector<SettingValue> m_settings;
    HostFacts m_facts;
    Poll m_poll;
    std::unordered_map<std::uint64_t, StreamSocket> m_sockets;
    std::unordered_map<std::uint64_t, StreamSocket> m_gone;
    std::unordered_map<std::uint64_t, StreamSocket> m_beforeSnapshot;
    std::vector<std::uint64_t> m_unstamped; // sent since the last poll: their time is its time
};

} // namespace tcpscope
