// The Lab worker's protocol, for both of its ends: `tcpscope-cli lab run NAME --format json`
// writes these events, one JSON object a line, on standard output, and the window's Lab panel
// (or a test) parses them; with --step the worker reads a reply on standard input before
// each step. Like Wireshark's sync_pipe.h or bcc's tcpstates.h, one definition serves the
// producer and the consumer: every event name and field is spelled once, in labprotocol.cpp.
//
//   scenario     {name, steps}                          first
//   waiting      {next}                                 --step: before each step
//   step         {index, count, about}                  a step begins (1-based)
//   observed     {socket, from (null: appeared), to}    what the kernel table showed
//   result       {index, ok, notes [{id, args}], error, expect [{who, state (null: gone),
//                 at_least, min_recv_q, ok}], ports [..]}
//   done         {ok, stopped}                          last
//   unavailable  {name, why}                            instead of all of them
//   table        {time, netns, pid, sockets [{laddr, lport, raddr, rport, state,
//                 recv_q, send_q, timer, expires_ms, retrans, uid, inode, cookie}],
//                facts {port_low, port_high, reserved, tw_reuse, timestamps, syncookies,
//                max_orphans, orphans, counters {NAME: n}}}
//                a scenario in a namespace of its own: that namespace's socket table, polled
//                by the worker (the window's kernel table cannot see it), when it changed and
//                at least every quarter second, with the namespace's own sysctls and counters
//                (read inside it) for the diagnosis
#pragma once

#include "diagnose/hostfacts.h"
#include "lab/labexpect.h"
#include "lab/labnarration.h"
#include "socketrecord.h"
#include "tcpstate.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tcpscope {

struct LabScenario;

struct LabScenarioEvent
{
    QString name;
    int steps = 0;
    friend bool operator==(const LabScenarioEvent &, const LabScenarioEvent &) = default;
};

struct LabWaitingEvent
{
    int next = 0; // the step that a reply starts
    friend bool operator==(const LabWaitingEvent &, const LabWaitingEvent &) = default;
};

struct LabStepEvent
{
    int index = 0, count = 0;
    TcpState about = TcpState::Closed;
    friend bool operator==(const LabStepEvent &, const LabStepEvent &) = default;
};

struct LabObservedEvent
{
    QString socket;                 // "127.0.0.1:40000 → 127.0.0.1:8080"
    std::optional<TcpState> from;   // none: the socket appeared
    TcpState to = TcpState::Closed; // CLOSED: it is gone
    friend bool operator==(const LabObservedEvent &, const LabObservedEvent &) = default;
};

struct LabExpectOutcome
{
    LabExpect expect;
    bool ok = false;
    friend bool operator==(const LabExpectOutcome &, const LabExpectOutcome &) = default;
};

struct LabResultEvent
{
    int index = 0;
    bool ok = false;
    std::vector<LabNote> notes;
    QString error; // why the action failed (English: a diagnosis, not narration)
    std::vector<LabExpectOutcome> expect;
    QList<quint16> ports; // every port the scenario uses, listening ones first
    friend bool operator==(const LabResultEvent &, const LabResultEvent &) = default;
};

struct LabDoneEvent
{
    bool ok = false;
    bool stopped = false;
    friend bool operator==(const LabDoneEvent &, const LabDoneEvent &) = default;
};

struct LabUnavailableEvent
{
    QString name, why;
    friend bool operator==(const LabUnavailableEvent &, const LabUnavailableEvent &) = default;
};

struct LabTableEvent
{
    double time = 0; // of the poll, seconds since the epoch
    QString netns;   // "tcpscope-lab-4242"
    int pid = 0;     // the worker, which holds every descriptor in the namespace
    std::vector<SocketRecord> sockets;
    HostFacts facts = {}; // the namespace's (ip_local_port_range...), as readHostFacts() reads them
    friend bool operator==(const LabTableEvent &, const LabTableEvent &) = default;
};

using LabEvent = std::variant<LabScenarioEvent, LabWaitingEvent, LabStepEvent, LabObservedEvent,
                              LabResultEvent, LabDoneEvent, LabUnavailableEvent, LabTableEvent>;

// One event as a line of JSON, without the newline.
std::string labEventLine(const LabEvent &event);
// A line the worker wrote; nullopt if it is not an event of this protocol.
std::optional<LabEvent> parseLabEvent(QByteArrayView line);

// The replies to `waiting`, as the driver writes them (a line each) and the worker reads them.
enum class LabReply { Next, Stop };
QByteArray labReplyLine(LabReply reply);
LabReply parseLabReply(std::string_view line); // anything but "stop" goes on

// `lab list --format json`: the scenarios with their titles and summaries in both languages.
std::string labScenarioListJson(const std::vector<LabScenario> &scenarios);

} // namespace tcpscope
