// CapturePage's replay: the bar (Replay, its speed, slow motion down to one packet per step),
// the Step and Replay actions with their shortcuts, and the timer that moves the moment.
#include "pages/capturepage.h"

#include "diagram/statediagramview.h"
#include "pages/sourceviews.h"
#include "widgets/statecountchart.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTimer>
#include <QToolButton>

#include <cmath>

namespace tcpscope {

namespace {

// The speeds of the combo, in order (their names in CapturePage::retranslateReplay()).
const double kSpeeds[] = {1.0, 0.1, 0.01, CapturePage::kOnePacketPerStep, 10.0, 100.0, 0.0};

QString withShortcut(const QString &tip, const QAction *a)
{
    return QStringLiteral("%1 (%2)").arg(tip, a->shortcut().toString(QKeySequence::NativeText));
}

} // namespace

void CapturePage::createStepActions()
{
    const auto make = [this](QKeySequence key, auto slot) {
        auto *a = new QAction(this);
        a->setShortcut(key);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut); // this tab's, while shown
        addAction(a);
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    m_stepBackAction = make(QKeySequence(Qt::CTRL | Qt::Key_Left), [this] { step(-1); });
    m_stepForwardAction = make(QKeySequence(Qt::CTRL | Qt::Key_Right), [this] { step(+1); });
    m_replayAction = make(QKeySequence(Qt::CTRL | Qt::Key_R), [this] { toggleReplay(); });
}

QLayout *CapturePage::createReplayBar()
{
    auto *bar = new QHBoxLayout;
    m_play = new QPushButton;
    m_speed = new QComboBox;
    for (double speed : kSpeeds)
        m_speed->addItem(QString(), speed);
    m_speed->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    connect(m_play, &QPushButton::clicked, this, &CapturePage::toggleReplay);
    bar->addWidget(m_play);
    bar->addWidget(m_speed);
    for (QAction *a : {m_chart->stackedAction(), m_chart->logScaleAction()}) {
        auto *button = new QToolButton;
        button->setDefaultAction(a);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        bar->addWidget(button);
    }
    m_replayHint = new QLabel;
    bar->addWidget(m_replayHint, 1);
    return bar;
}

void CapturePage::retranslateReplay()
{
    m_stepBack->setText(tr("◀ Step"));
    m_stepForward->setText(tr("Step ▶"));
    m_stepBackAction->setText(tr("Step back"));
    m_stepForwardAction->setText(tr("Step forward"));
    m_stepBack->setToolTip(
        withShortcut(tr("The selected connection's previous segment, or transition (the Ladder "
                        "tab's Steps walk segments)"),
                     m_stepBackAction));
    m_stepForward->setToolTip(
        withShortcut(tr("The selected connection's next segment, or transition (the Ladder tab's "
                        "Steps walk segments)"),
                     m_stepForwardAction));
    m_replayAction->setText(tr("Replay / Pause"));
    if (!m_play)
        return;
    m_play->setText(isReplaying() ? tr("Pause") : tr("Replay"));
    m_play->setToolTip(
        withShortcut(tr("Replay the capture in time, or pause the replay"), m_replayAction));
    const QStringList speeds{tr("1×"),
                             tr("0.1× (slow motion)"),
                             tr("0.01× (slower)"),
                             tr("one packet per step"),
                             tr("10×"),
                             tr("100×"),
                             tr("as fast as possible")};
    for (int i = 0; i < speeds.size(); ++i)
        m_speed->setItemText(i, speeds[i]);
    m_speed->setItemData(3,
                         tr("Each step goes to the next packet that changed a state, %1 s apart")
                             .arg(kPacketStepMs / 1000.0),
                         Qt::ToolTipRole);
    m_replayHint->setText(tr("Replay the capture in time, or click the chart for a moment"));
}

void CapturePage::toggleReplay()
{
    if (!m_speed)
        return; // a live capture has no replay
    if (isReplaying())
        pauseReplay();
    else
        startReplay(m_speed->currentData().toDouble());
}

bool CapturePage::isReplaying() const { return m_replayTimer->isActive(); }

void CapturePage::startReplay(double speed)
{
    const auto &tracker = m_model->result().tracker;
    if (!tracker || tracker->connections().empty())
        return;
    const double first = double(tracker->connections().front().firstSeenNs) / 1e9;
    const double end = double(m_model->result().lastTimeNs) / 1e9;
    if (!m_model->moment() || m_replayAt >= end || m_replayAt < first) {
        m_replayAt = first; // from the start, unless resuming a paused replay
        m_cursor = 0;
        m_running = {};
        m_views->diagram->animator().clear();
    }
    m_replaySpeed = speed;
    m_fastStep = std::max(1e-6, (end - first) / 20.0);
    if (m_play)
        m_play->setText(tr("Pause"));
    m_replayTimer->setInterval(speed == kOnePacketPerStep ? kPacketStepMs : 50);
    m_replayTimer->start();
    showMoment(m_replayAt);
}

void CapturePage::pauseReplay()
{
    m_replayTimer->stop();
    if (m_play)
        m_play->setText(tr("Replay"));
}

void CapturePage::stepReplay()
{
    const std::int64_t endNs = m_model->result().lastTimeNs;
    const double end = double(endNs) / 1e9;
    if (m_replaySpeed == kOnePacketPerStep) {
        // To the next change's packet, exactly (its nanoseconds, not a rounded double).
        const auto &changes = m_model->result().tracker->changes();
        if (m_cursor < m_order.size()) {
            const std::int64_t ns = changes[m_order[m_cursor]].timeNs;
            m_step = -1;
            m_replayAt = double(ns) / 1e9;
            showMomentNs(ns, m_replayAt);
            if (m_cursor < m_order.size())
                return;
        }
        m_replayAt = end;
    } else {
        // As fast as possible: a twentieth of the capture per step, a second in all.
        const double step =
            m_replaySpeed > 0 ? m_replayTimer->interval() / 1000.0 * m_replaySpeed : m_fastStep;
        m_replayAt = std::min(end, m_replayAt + step);
        showMoment(m_replayAt);
    }
    if (m_replayAt >= end) {
        pauseReplay();
        showMoment(std::nan("")); // the final picture
        Q_EMIT replayFinished();
    }
}

} // namespace tcpscope
