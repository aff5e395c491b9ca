#include "kernel/tracestream.h"

#include <QCoreApplication>

#include <chrono>
#include <poll.h>
#include <unistd.h>

namespace tcpscope {

QString traceHelperPath()
{
    const QString env = qEnvironmentVariable("TCPSCOPE_TRACE_HELPER");
    return env.isEmpty()
               ? QCoreApplication::applicationDirPath() + QStringLiteral("/tcpscope-trace")
               : env;
}

std::optional<TraceFrameParser::Frame> TraceFrameParser::next()
{
    const std::size_t available = m_buffer.size() - m_offset;
    if (m_corrupt || available < sizeof(traceprotocol::FrameHeader))
        return std::nullopt;
    traceprotocol::FrameHeader h{};
    std::memcpy(&h, m_buffer.data() + m_offset, sizeof h);
    if (h.size > traceprotocol::kMaxFrameBytes) {
        m_corrupt = true;
        return std::nullopt;
    }
    if (available < sizeof h + h.size)
        return std::nullopt;
    Frame f{h.type, m_buffer.substr(m_offset + sizeof h, h.size)};
    m_offset += sizeof h + h.size;
    if (m_offset > (1u << 16)) { // keep the buffer small
        m_buffer.erase(0, m_offset);
        m_offset = 0;
    }
    return f;
}

Transition toTransition(const TracedEvent &traced)
{
    const tcptrace_event &e = traced.raw;
    const std::int64_t wallNs = traced.wallNs;
    Transition t;
    t.timeNs = wallNs;
    t.time = double(wallNs) / 1e9;
    t.earliest = t.time;
    if (e.family == 10) {
        t.localAddress = IpAddress::v6(e.saddr);
        t.remoteAddress = IpAddress::v6(e.daddr);
    } else {
        t.localAddress = IpAddress::v4(e.saddr);
        t.remoteAddress = IpAddress::v4(e.daddr);
    }
    t.localPort = e.sport;
    t.remotePort = e.dport;
    t.from = fromLinuxState(e.oldstate).value_or(TcpState::Closed);
    t.to = fromLinuxState(e.newstate).value_or(TcpState::Closed);
    t.observedBy = ObservedBy::Tracing;
    t.firstSeen = e.oldstate == 7; // TCP_CLOSE: the socket begins here
    t.connection = e.cookie;
    t.netns = e.netns;
    t.pid = e.pid;
    std::memcpy(t.comm.data(), e.comm, sizeof e.comm);
    t.comm.back() = '\0';
    return t;
}

TraceStream::~TraceStream() { stop(); }

bool TraceStream::start(QString *error, int timeoutMs, const QString &program)
{
    m_helper = std::make_unique<CaptureHelper>();
    if (!m_helper->start(program, {}, error))
        return false;
    m_file = m_helper->takeOutput();
    m_fd = ::fileno(m_file);
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    std::vector<TracedEvent> ignored;
    while (!m_haveHello && !m_ended && std::chrono::steady_clock::now() < until) {
        if (read(ignored, 100) == Status::Ended)
            break;
    }
    if (m_haveHello)
        return true;
    m_helper->stop();
    m_helper->wait();
    *error = errorText().trimmed();
    if (error->isEmpty())
        *error = QStringLiteral("the trace helper did not start within %1 s").arg(timeoutMs / 1000);
    return false;
}

bool TraceStream::readSome(int timeoutMs)
{
    pollfd p{m_fd, POLLIN, 0};
    if (::poll(&p, 1, timeoutMs) <= 0)
        return false;
    char chunk[1 << 16];
    const ssize_t n = ::read(m_fd, chunk, sizeof chunk);
    if (n <= 0) {
        m_ended = true;
        return false;
    }
    m_parser.feed(chunk, std::size_t(n));
    return true;
}

TraceStream::Status TraceStream::read(std::vector<TracedEvent> &out, int timeoutMs)
{
    if (m_ended || m_fd < 0)
        return Status::Ended;
    const std::size_t before = out.size();
    if (readSome(timeoutMs)) {
        while (readSome(0)) { // drain what is there, without waiting again
        }
    }
    while (std::optional<TraceFrameParser::Frame> f = m_parser.next())
        handle(*f, out);
    if (m_parser.corrupt())
        m_ended = true;
    if (m_ended) {
        m_helper->wait();
        return out.size() > before ? Status::Events : Status::Ended;
    }
    return out.size() > before ? Status::Events : Status::Idle;
}

void TraceStream::handle(const TraceFrameParser::Frame &f, std::vector<TracedEvent> &out)
{
    using traceprotocol::FrameType;
    if (f.type == FrameType::Hello && f.payload.size() == sizeof(traceprotocol::Hello)) {
        std::memcpy(&m_hello, f.payload.data(), sizeof m_hello);
        m_haveHello = traceprotocol::helloIsValid(m_hello);
        m_offsetNs = m_hello.realtimeNs - m_hello.monotonicNs;
        if (!m_haveHello)
            m_ended = true; // a helper of another version
    } else if (f.type == FrameType::Stats && f.payload.size() == sizeof(traceprotocol::Stats)) {
        std::memcpy(&m_stats, f.payload.data(), sizeof m_stats);
    } else if (f.type == FrameType::Event && f.payload.size() == sizeof(tcptrace_event)
               && m_haveHello) {
        TracedEvent e;
        std::memcpy(&e.raw, f.payload.data(), sizeof e.raw);
        e.wallNs = std::int64_t(e.raw.monotonic_ns) + m_offsetNs;
        out.push_back(e);
    }
}

void TraceStream::stop()
{
    if (!m_helper)
        return;
    m_helper->stop();
    if (m_file) { // unblock a helper writing into a full pipe
        std::fclose(m_file);
        m_file = nullptr;
        m_fd = -1;
    }
    m_helper->wait();
    m_ended = true;
}

QString TraceStream::errorText() const { return m_helper ? m_helper->errorText() : QString(); }

} // namespace tcpscope
