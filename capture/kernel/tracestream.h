// The exact kernel transitions, read from the trace helper (tcpscope-trace): starts it, reads
// its frames (kernel/traceprotocol.h) and turns each event into a Transition with the exact
// time and the process. Synchronous and thread-agnostic: tcpscope-cli reads it in its loop,
// the window on a worker thread (TraceSource).
#pragma once

#include "kernel/traceprotocol.h"
#include "packets/capturehelper.h"
#include "transition.h"

#include <QString>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tcpscope {

// The helper next to the executable, or $TCPSCOPE_TRACE_HELPER.
QString traceHelperPath();

// Frames out of a byte stream, however the bytes arrive.
class TraceFrameParser
{
public:
    struct Frame
    {
        traceprotocol::FrameType type;
        std::string payload;
    };
    void feed(const char *data, std::size_t size) { m_buffer.append(data, size); }
    // The next whole frame; nullopt when more bytes are needed. Sets corrupt() on a frame
    // larger than kMaxFrameBytes.
    std::optional<Frame> next();
    bool corrupt() const { return m_corrupt; }

private:
    std::string m_buffer;
    std::size_t m_offset = 0;
    bool m_corrupt = false;
};

// One event from the helper, as the kernel reported it, with its wall-clock time.
struct TracedEvent
{
    tcptrace_event raw{};
    std::int64_t wallNs = 0; // ns since the epoch
};

// As a transition of the socket table (ObservedBy::Tracing). A socket entering its
// FIN_WAIT_2 minisocket from FIN_WAIT_2 stays FIN_WAIT_2 (from == to): not a transition.
Transition toTransition(const TracedEvent &e);
inline bool changesState(const TracedEvent &e) { return e.raw.oldstate != e.raw.newstate; }

class TraceStream
{
public:
    enum class Status { Events, Idle, Ended };

    TraceStream() = default;
    ~TraceStream();
    TraceStream(const TraceStream &) = delete;
    TraceStream &operator=(const TraceStream &) = delete;

    // Starts the helper and waits up to timeoutMs for it to attach (its Hello). False with
    // the helper's own words (no permission and the setcap command, no tracepoint...).
    bool start(QString *error, int timeoutMs = 20000, const QString &program = traceHelperPath());
    // Reads what the helper wrote, waiting up to timeoutMs for the first bytes; appends the
    // events. Ended once the helper has exited (see errorText()).
    Status read(std::vector<TracedEvent> &out, int timeoutMs);
    void stop();
    // The helper's output, readable when read() has something: for a QSocketNotifier.
    int fd() const { return m_fd; }

    std::uint32_t features() const { return m_hello.features; }
    std::uint64_t eventsWritten() const { return m_stats.events; }
    std::uint64_t eventsLost() const { return m_stats.lost; }
    QString errorText() const; // what the helper said on standard error

private:
    bool readSome(int timeoutMs);
    void handle(const TraceFrameParser::Frame &f, std::vector<TracedEvent> &out);

    std::unique_ptr<CaptureHelper> m_helper;
    int m_fd = -1;
    FILE *m_file = nullptr;
    bool m_ended = false;
    bool m_haveHello = false;
    TraceFrameParser m_parser;
    traceprotocol::Hello m_hello{};
    traceprotocol::Stats m_stats{};
    std::int64_t m_offsetNs = 0; // wall-clock minus monotonic, from the Hello
};

} // namespace tcpscope
