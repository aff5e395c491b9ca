// The diagnosis engine: fed by each poll of the kernel's socket table (and, when a trace
// source runs, by its exact transitions), it keeps short histories per process, listener and
// destination and says what is wrong — a CLOSE_WAIT leak, ephemeral ports running out, a
// listener overloaded, closes stuck, connects failing, dead peers — with the numbers and the
// sockets that show it. No GUI: the poller's thread runs it, the CLI runs it, tests run it.
#pragma once

#include "diagnose/finding.h"
#include "diagnose/hostfacts.h"
#include "kernel/kernelpoller.h"

#include <deque>
#include <unordered_map>

namespace tcpscope {

// Every threshold has a default documented in the README and can be set from the settings
// and the CLI (--threshold NAME=VALUE, names as in thresholdNames()).
struct DiagnosisThresholds
{
    int closeWaitCount = 10;        // CLOSE_WAIT held by one process before it is a finding
    double closeWaitAgeS = 60;      // oldest older than this: a leak; younger: a burst (info)
    int closeWaitCritical = 1000;   // this many, or descriptors past fdCriticalShare: critical
    double fdCriticalShare = 0.8;   // open descriptors / RLIMIT_NOFILE
    int portMinSockets = 20;        // client sockets toward one destination before it is judged
    double portWarnShare = 0.5;     // busy ports / ephemeral ports: warning
    double portCriticalShare = 0.9; // ... critical
    int synRecvCount = 64;          // SYN_RECEIVED per listener: a SYN flood's shape
    int finWait2Count = 50;         // FIN_WAIT_2 toward one peer
    int closeRetransCount = 20;     // FIN_WAIT_1/LAST_ACK/CLOSING retransmitting their FIN
    double orphanShare = 0.5;       // orphans / tcp_max_orphans
    int synSentCount = 5;           // SYN_SENT toward one destination
    double synSentAgeS = 3;         // ... the oldest at least this old
    int deadPeerRetrans = 3;        // retransmissions of an ESTABLISHED socket's data
    double sendQBytes = 1 << 20;    // a Send-Q this large and growing: the peer does not read
    int refusedCount = 5;           // connects refused in the last minute toward one destination
    double windowS = 300;           // growth is measured over this window
};

// name → member, for settings and the CLI.
const std::vector<std::pair<const char *, double DiagnosisThresholds::*>> &doubleThresholds();
const std::vector<std::pair<const char *, int DiagnosisThresholds::*>> &intThresholds();
// Sets "name=value"; false (with the reason) for an unknown name or a bad value.
bool setThreshold(DiagnosisThresholds &t, const QString &assignment, QString *error);
// The defaults with what QSettings holds under "diagnosis/NAME" (names as above).
DiagnosisThresholds thresholdsFromSettings();
// Writes them there: a value equal to its default is removed (so a later default applies).
void saveThresholdsToSettings(const DiagnosisThresholds &t);

using DiagnosisRows = std::vector<KernelPollBatch::Row>;

class DiagnosisEngine
{
public:
    explicit DiagnosisEngine(DiagnosisThresholds thresholds = {},
                             QString procRoot = QStringLiteral("/proc"));

    // One poll: the table's rows (alive and fading) with their owners, and the host's facts.
    // Returns the findings now, most severe first.
    const std::vector<Finding> &addPoll(double time, const DiagnosisRows &rows,
                                        const HostFacts &facts);
    // Convenience: reads the host's facts under procRoot itself.
    const std::vector<Finding> &addPoll(const KernelPollBatch &batch);
    // Exact transitions (a trace source; packets): each connect() seen opening and each
    // SYN_SENT that ended in CLOSED is counted per destination; an end within a second (before
    // the SYN's first retransmission) is a refusal, and every SYN_SENT -> CLOSED the packets
    // report is one (they report only refused connects). Poll-observed transitions are
    // ignored here: the poll's rows already carry what a poll can know.
    void addTransitions(const std::vector<Transition> &transitions);

    const std::vector<Finding> &findings() const { return m_findings; }
    FindingLevel worstLevel() const; // Info when there are none
    int countAtLeast(FindingLevel level) const;
    const DiagnosisThresholds &thresholds() const { return m_thresholds; }
    void setThresholds(const DiagnosisThresholds &t) { m_thresholds = t; }
    void clear();

    // One finding's main value over time, kept while its subject exists (for the chart).
    struct Track
    {
        std::deque<std::pair<double, double>> values;
        double lastSeen = 0;
    };

    // Exact events per destination ("addr:port"): time of each connect and each failure.
    struct ExactEvents
    {
        std::deque<double> opened, failed;
        struct Refusal
        {
            double time = 0;
            std::uint16_t localPort = 0;
            std::uint64_t socket = 0; // its cookie when traced (the table's key), else 0
        };
        std::deque<Refusal> refused;
        // True when this refusal is there already (the trace and the packets both saw it).
        bool seen(double time, std::uint16_t localPort) const;
        bool refusalTraced = false, refusalCaptured = false; // who saw refusals: eBPF, packets
    };

private:
    friend struct DiagnosisPass;
    Track &track(const QString &key, double time, double value);
    void trimTracks(double time);

    DiagnosisThresholds m_thresholds;
    QString m_procRoot;
    std::vector<Finding> m_findings;
    std::unordered_map<QString, Track> m_tracks;
    std::unordered_map<QString, double> m_since; // finding key → first poll it was made
    std::unordered_map<std::uint64_t, std::uint32_t> m_lastSendQ;     // socket key → Send-Q
    std::deque<std::pair<double, QHash<QString, qint64>>> m_counters; // per poll, windowed
    std::unordered_map<QString, ExactEvents> m_exact;
    std::unordered_map<std::uint64_t, double> m_synSentAt; // traced connection -> its connect()
    double m_firstPoll = 0, m_lastPoll = 0;
    bool m_directClients = false; // most client sockets went to large destinations last poll
};

} // namespace tcpscope
