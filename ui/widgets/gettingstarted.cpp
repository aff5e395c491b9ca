#include "widgets/gettingstarted.h"

#include <QCheckBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace tcpscope {

namespace {

const QString kShowAtStart = QStringLiteral("help/gettingStartedAtStart");

} // namespace

GettingStarted::GettingStarted(QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("gettingStarted"));
    m_text = new QLabel;
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::RichText);
    m_text->setMinimumWidth(560);
    m_lab = new QPushButton;
    m_open = new QPushButton;
    m_live = new QPushButton;
    m_close = new QPushButton;
    m_close->setDefault(true);
    m_atStart = new QCheckBox;
    // Once seen, it comes back at start only when the box is ticked: the box says what the
    // next start does.
    QSettings settings;
    if (!settings.contains(kShowAtStart))
        settings.setValue(kShowAtStart, false);
    m_atStart->setChecked(settings.value(kShowAtStart).toBool());
    connect(m_atStart, &QCheckBox::toggled, this,
            [](bool on) { QSettings().setValue(kShowAtStart, on); });
    const auto then = [this](void (GettingStarted::*signal)()) {
        return [this, signal] {
            Q_EMIT(this->*signal)();
            accept();
        };
    };
    connect(m_lab, &QPushButton::clicked, this, then(&GettingStarted::showLabRequested));
    connect(m_open, &QPushButton::clicked, this, then(&GettingStarted::openCaptureRequested));
    connect(m_live, &QPushButton::clicked, this, then(&GettingStarted::liveCaptureRequested));
    connect(m_close, &QPushButton::clicked, this, &QDialog::accept);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_lab);
    buttons->addWidget(m_open);
    buttons->addWidget(m_live);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_atStart);
    bottom->addStretch(1);
    bottom->addWidget(m_close);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_text);
    layout->addLayout(buttons);
    layout->addSpacing(6);
    layout->addLayout(bottom);
    retranslate();
}

bool GettingStarted::showAtStart() { return QSettings().value(kShowAtStart, true).toBool(); }

void GettingStarted::retranslate()
{
    setWindowTitle(tr("Getting started with tcpscope"));
    m_text->setText(
        tr("<h3>Where to see a connection open and close</h3>"
           "<p><b>Kernel table</b> (the first tab) polls the kernel's socket table, by default "
           "once a second. It shows what lasts — ESTABLISHED, CLOSE_WAIT, TIME_WAIT, LISTEN — "
           "but a handshake on this machine takes well under a millisecond: SYN_SENT and "
           "SYN_RECEIVED, FIN_WAIT_1 and LAST_ACK usually come and go between two polls.</p>"
           "<p><b>Packets</b> show every step: open a capture file (File ▸ Open capture…, or drop "
           "a .pcap on the window), or capture live (File ▸ Live capture…). The packet engine "
           "follows both endpoints through the state diagram, segment by segment; click the "
           "chart or use Step to go through it.</p>"
           "<p><b>The Lab</b> (Lab ▸ Show the Lab panel) plays textbook situations with real "
           "sockets on this machine: choose a scenario and press <i>Start</i>, then <i>Next</i> "
           "before each step. The table follows the scenario's sockets, polled every 100 ms, "
           "and its packets are captured in a tab of their own when capturing is permitted.</p>"));
    m_lab->setText(tr("Show the Lab"));
    m_open->setText(tr("Open a capture file…"));
    m_live->setText(tr("Capture live…"));
    m_close->setText(tr("Close"));
    m_atStart->setText(tr("Show this at start"));
}

void GettingStarted::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QDialog::changeEvent(event);
}

} // namespace tcpscope
