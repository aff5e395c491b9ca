// Seeds for the targets whose inputs no file in tests/data or ../shared/corpus is: written
// at run time into the (temporary) corpus directories run.sh gives, never into the repository.
//   make_seeds OUT TESTDATA [CAPTURE_DIR...]
// OUT/packetdecoder: every frame of the captures (tests/data/packets and each CAPTURE_DIR),
//   after the byte fuzz_packetdecoder reads as its link type;
// OUT/sessionfile: a session saved from the recorded /proc/net/tcp{,6} of tests/data/kernel
//   with the packets of a recorded capture, and its timeline JSON alone;
// OUT/helperprotocol, OUT/labprotocol: what the helper and the Lab worker write.
#include "formats/sessionfile.h"
#include "fuzzlinktypes.h"
#include "kernel/procnettcp.h"
#include "kernel/sockettable.h"
#include "lab/labprotocol.h"
#include "lab/labscenario.h"
#include "packets/helperprotocol.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>

#include <pcap/pcap.h>

#include <algorithm>
#include <cstdio>

#include <sys/socket.h>

using namespace tcpscope;

namespace {

void writeSeed(const QString &dir, const QByteArray &bytes)
{
    QDir().mkpath(dir);
    const auto name = QCryptographicHash::hash(bytes, QCryptographicHash::Sha1).toHex();
    QFile f(dir + u'/' + QString::fromLatin1(name));
    if (f.open(QIODevice::WriteOnly))
        f.write(bytes);
}

int frameSeeds(const QString &out, const QString &captureDir)
{
    int n = 0;
    const QDir dir(captureDir);
    for (const QString &name : dir.entryList({u"*.pcap"_qs, u"*.pcapng"_qs}, QDir::Files)) {
        char errbuf[PCAP_ERRBUF_SIZE];
        pcap_t *p = pcap_open_offline(dir.filePath(name).toLocal8Bit().constData(), errbuf);
        if (!p)
            continue;
        const auto *it =
            std::find(fuzz::kLinkTypes.begin(), fuzz::kLinkTypes.end(), pcap_datalink(p));
        pcap_pkthdr *h;
        const u_char *data;
        while (it != fuzz::kLinkTypes.end() && pcap_next_ex(p, &h, &data) == 1) {
            QByteArray seed(1, char(it - fuzz::kLinkTypes.begin()));
            seed.append(reinterpret_cast<const char *>(data), qsizetype(h->caplen));
            writeSeed(out + QStringLiteral("/packetdecoder"), seed);
            ++n;
        }
        pcap_close(p);
    }
    return n;
}

std::vector<SocketRecord> recordedTable(const QString &testData)
{
    std::vector<SocketRecord> records;
    for (const auto &[file, family] : {std::pair{"tcp", AF_INET}, {"tcp6", AF_INET6}}) {
        QFile f(testData + QStringLiteral("/kernel/loopback/") + QLatin1String(file));
        if (f.open(QIODevice::ReadOnly))
            parseProcNetTcp(f.readAll(), family, records);
    }
    return records;
}

bool sessionSeeds(const QString &out, const QString &testData)
{
    SocketTable table;
    const double t0 = 1'732'440'000.0;
    table.apply({}, t0);
    KernelTimeline timeline;
    timeline.host = u"seed"_qs;
    timeline.transitions = table.apply(recordedTable(testData), t0 + 1);
    timeline.samples = {{t0, StateCounts{}}, {t0 + 1, table.counts()}};
    timeline.latest.stats.time = t0 + 1;
    timeline.latest.counts = table.counts();
    auto rows = std::make_shared<std::vector<KernelPollBatch::Row>>();
    for (const SocketRow &r : table.rows())
        rows->push_back({r, Ownership::NotFound, {}});
    timeline.latest.rows = rows;
    writeSeed(out + QStringLiteral("/sessionfile"), timelineJson(timeline));
    QDir().mkpath(out + QStringLiteral("/sessionfile"));
    QString error;
    const bool ok = writeSessionFile(out + QStringLiteral("/sessionfile/session.pcapng"),
                                     testData + QStringLiteral("/packets/client_close.lo.pcap"),
                                     &timeline, &error);
    if (!ok)
        std::fprintf(stderr, "make_seeds: %s\n", qPrintable(error));
    return ok;
}

void helperSeeds(const QString &out)
{
    std::string text = "tcpscope-capture: listening on lo\n";
    text += helperprotocol::formatStats({12, 0, 0, false});
    text += helperprotocol::formatStats({4294967295u, 7, 1, true});
    writeSeed(out + QStringLiteral("/helperprotocol"), QByteArray::fromStdString(text));
}

void labSeeds(const QString &out)
{
    for (const LabScenario &s : labScenarios()) {
        const int count = int(s.steps.size());
        std::string text = labEventLine(LabScenarioEvent{s.name, count}) + '\n';
        for (int i = 0; i < count; ++i) {
            const LabStep &step = s.steps[std::size_t(i)];
            text += labEventLine(LabWaitingEvent{i + 1}) + '\n';
            text += labEventLine(LabStepEvent{i + 1, count, step.about}) + '\n';
            text += labEventLine(LabObservedEvent{u"127.0.0.1:40000 → 127.0.0.1:8080"_qs,
                                                  std::nullopt, step.about})
                    + '\n';
            LabResultEvent result{i + 1, true, {{step.id, {{u"port"_qs, u"8080"_qs}}}},
                                  {},    {},   {8080}};
            for (const LabExpect &e : step.expect)
                result.expect.push_back({e, true});
            text += labEventLine(result) + '\n';
        }
        text += labEventLine(LabDoneEvent{true, false}) + '\n';
        text += labEventLine(LabUnavailableEvent{s.name, u"needs root"_qs}) + '\n';
        text +=
            labReplyLine(LabReply::Next).toStdString() + labReplyLine(LabReply::Stop).toStdString();
        writeSeed(out + QStringLiteral("/labprotocol"), QByteArray::fromStdString(text));
    }
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 3) {
        std::fprintf(stderr, "usage: make_seeds OUT TESTDATA [CAPTURE_DIR...]\n");
        return 2;
    }
    const QString out = args[1], testData = args[2];
    int frames = frameSeeds(out, testData + QStringLiteral("/packets"));
    for (const QString &dir : args.mid(3))
        frames += frameSeeds(out, dir);
    const bool session = sessionSeeds(out, testData);
    helperSeeds(out);
    labSeeds(out);
    std::printf("make_seeds: %d frames, a session, the helper's and the Lab's lines in %s\n",
                frames, qPrintable(out));
    return frames > 0 && session ? 0 : 1;
}
