// The packets of a Lab scenario that runs in a network namespace of its own, which a capture
// on the host's lo never sees: libpcap opened on the namespace's lo from inside it (the
// worker is root there), headers only, written as a pcap stream to a descriptor the window
// reads as its Lab packets tab, with the same code that reads the capture helper's stream.
#pragma once

#include <QString>

#include <atomic>
#include <memory>
#include <thread>

namespace tcpscope {

class LabCapture
{
public:
    // The filter of the capture (the namespace holds nothing but the scenario's sockets).
    static QString filter() { return QStringLiteral("tcp"); }

    // Takes `fd` over (closed when the capture ends).
    explicit LabCapture(int fd);
    ~LabCapture(); // stops once the last packets are written, and closes the stream
    LabCapture(const LabCapture &) = delete;
    LabCapture &operator=(const LabCapture &) = delete;

    // Opens lo in the calling thread's network namespace and starts copying its packets;
    // false with error() when it cannot.
    bool start();
    QString error() const { return m_error; }

private:
    struct Handles;
    void run();

    std::unique_ptr<Handles> m_handles;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    QString m_error;
};

} // namespace tcpscope
