#include "lab/labcapture.h"

#include <pcap/pcap.h>

#include <cstdio>
#include <poll.h>
#include <unistd.h>

namespace tcpscope {

struct LabCapture::Handles
{
    int fd = -1;
    FILE *out = nullptr; // owns fd once opened
    pcap_t *pcap = nullptr;
    pcap_dumper_t *dumper = nullptr; // owns out once opened

    ~Handles()
    {
        if (dumper)
            pcap_dump_close(dumper);
        else if (out)
            std::fclose(out);
        else if (fd >= 0)
            ::close(fd);
        if (pcap)
            pcap_close(pcap);
    }
};

LabCapture::LabCapture(int fd)
    : m_handles(std::make_unique<Handles>())
{
    m_handles->fd = fd;
}

LabCapture::~LabCapture()
{
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
}

bool LabCapture::start()
{
    Handles &h = *m_handles;
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    h.pcap = pcap_create("lo", errbuf); // its packet socket in our namespace
    if (!h.pcap) {
        m_error = QString::fromLocal8Bit(errbuf);
        return false;
    }
    pcap_set_snaplen(h.pcap, 200); // headers only: a large snap length drops bursts
    pcap_set_immediate_mode(h.pcap, 1);
    pcap_set_buffer_size(h.pcap, 4 << 20);
    bpf_program prog{};
    if (pcap_activate(h.pcap) < 0
        || pcap_compile(h.pcap, &prog, filter().toLatin1().constData(), 1, PCAP_NETMASK_UNKNOWN)
               != 0
        || pcap_setfilter(h.pcap, &prog) != 0) {
        m_error = QString::fromLocal8Bit(pcap_geterr(h.pcap));
        return false;
    }
    pcap_freecode(&prog);
    h.out = ::fdopen(h.fd, "w");
    h.dumper = h.out ? pcap_dump_fopen(h.pcap, h.out) : nullptr;
    if (!h.dumper) {
        m_error = QStringLiteral("cannot write the packets: %1")
                      .arg(QString::fromLocal8Bit(pcap_geterr(h.pcap)));
        return false;
    }
    pcap_dump_flush(h.dumper); // the header at once: the reader opens on it
    pcap_setnonblock(h.pcap, 1, errbuf);
    m_thread = std::thread([this] { run(); });
    return true;
}

void LabCapture::run()
{
    Handles &h = *m_handles;
    const auto copy = [](u_char *user, const pcap_pkthdr *hdr, const u_char *bytes) {
        pcap_dump(user, hdr, bytes);
    };
    const int fd = pcap_get_selectable_fd(h.pcap);
    // After the stop, go on until a quiet moment: packets still in the ring would be lost.
    int quietAfterStop = 0;
    while (quietAfterStop < 2) {
        pollfd p{fd, POLLIN, 0};
        ::poll(&p, 1, 50);
        const int n = pcap_dispatch(h.pcap, -1, copy, reinterpret_cast<u_char *>(h.dumper));
        if (n < 0 || pcap_dump_flush(h.dumper) != 0)
            break; // the capture or its reader is gone
        if (m_stop)
            quietAfterStop = n == 0 ? quietAfterStop + 1 : 0;
    }
}

} // namespace tcpscope
