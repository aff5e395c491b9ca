#include "widgets/thresholdsdialog.h"

#include <QDialogButtonBox>
#include <QEvent>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

namespace tcpscope {

namespace {

struct FieldText
{
    const char *name;
    QString label, suffix;
    double max; // doubles: shares are at most 1, others as given
};

// In the order the README's table gives them.
std::vector<FieldText> fieldTexts()
{
    const QString s = ThresholdsDialog::tr(" s"), b = ThresholdsDialog::tr(" bytes");
    return {
        {"close-wait-count", ThresholdsDialog::tr("CLOSE_WAIT held by one process"), {}, 1e6},
        {"close-wait-age", ThresholdsDialog::tr("CLOSE_WAIT oldest: a leak past"), s, 86400},
        {"close-wait-critical", ThresholdsDialog::tr("CLOSE_WAIT critical at"), {}, 1e7},
        {"fd-critical-share", ThresholdsDialog::tr("Descriptors / limit: critical at"), {}, 1},
        {"port-min-sockets",
         ThresholdsDialog::tr("Client sockets to one destination, at least"),
         {},
         65536},
        {"port-warn-share", ThresholdsDialog::tr("Busy ephemeral ports: warning at"), {}, 1},
        {"port-critical-share", ThresholdsDialog::tr("Busy ephemeral ports: critical at"), {}, 1},
        {"syn-recv-count", ThresholdsDialog::tr("SYN_RECEIVED per listener"), {}, 1e6},
        {"fin-wait-2-count", ThresholdsDialog::tr("FIN_WAIT_2 toward one peer"), {}, 1e6},
        {"close-retrans-count", ThresholdsDialog::tr("Closes retransmitting their FIN"), {}, 1e6},
        {"orphan-share", ThresholdsDialog::tr("Orphans / tcp_max_orphans"), {}, 1},
        {"syn-sent-count", ThresholdsDialog::tr("SYN_SENT toward one destination"), {}, 1e6},
        {"syn-sent-age", ThresholdsDialog::tr("SYN_SENT oldest at least"), s, 3600},
        {"refused-count",
         ThresholdsDialog::tr("Refused connects a minute to one destination"),
         {},
         1e6},
        {"dead-peer-retrans", ThresholdsDialog::tr("Retransmissions of ESTABLISHED data"), {}, 255},
        {"send-q-bytes", ThresholdsDialog::tr("Send-Q of a peer not reading"), b, 1e9},
        {"window", ThresholdsDialog::tr("Growth measured over"), s, 86400},
    };
}

} // namespace

ThresholdsDialog::ThresholdsDialog(const DiagnosisThresholds &current, QWidget *parent)
    : QDialog(parent)
{
    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    const DiagnosisThresholds defaults;
    for (const FieldText &f : fieldTexts()) {
        const QString name = QLatin1String(f.name);
        QAbstractSpinBox *box = nullptr;
        for (const auto &[n, member] : intThresholds()) {
            if (name == QLatin1String(n)) {
                auto *spin = new QSpinBox;
                spin->setRange(0, int(f.max));
                spin->setSuffix(f.suffix);
                spin->setToolTip(tr("%1 (default %2)").arg(name).arg(defaults.*member));
                m_ints.insert(name, spin);
                box = spin;
            }
        }
        for (const auto &[n, member] : doubleThresholds()) {
            if (name == QLatin1String(n)) {
                auto *spin = new QDoubleSpinBox;
                spin->setDecimals(f.max <= 1 ? 2 : name == u"send-q-bytes" ? 0 : 1);
                spin->setSingleStep(f.max <= 1 ? 0.05 : 1);
                spin->setRange(0, f.max);
                spin->setSuffix(f.suffix);
                spin->setToolTip(tr("%1 (default %2)").arg(name).arg(defaults.*member));
                m_doubles.insert(name, spin);
                box = spin;
            }
        }
        if (box) {
            box->setObjectName(name);
            auto *label = new QLabel;
            label->setBuddy(box);
            m_labels.emplace_back(name, label);
            form->addRow(label, box);
        }
    }
    m_note = new QLabel;
    m_note->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel
                                         | QDialogButtonBox::RestoreDefaults);
    m_defaults = buttons->button(QDialogButtonBox::RestoreDefaults);
    connect(m_defaults, &QPushButton::clicked, this, [this] { setThresholds({}); });
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        save();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_note);
    layout->addWidget(buttons);
    setThresholds(current);
    retranslate();
}

void ThresholdsDialog::retranslate()
{
    setWindowTitle(tr("Diagnosis thresholds"));
    const std::vector<FieldText> texts = fieldTexts();
    for (const auto &[name, label] : m_labels) {
        for (const FieldText &f : texts) {
            if (name != QLatin1String(f.name))
                continue;
            label->setText(f.label);
            if (QSpinBox *i = m_ints.value(name))
                i->setSuffix(f.suffix);
            if (QDoubleSpinBox *d = m_doubles.value(name))
                d->setSuffix(f.suffix);
        }
    }
    m_note->setText(tr("The same names are taken by <tt>tcpscope-cli diagnose "
                       "--threshold NAME=VALUE</tt> (hover a field for its name)."));
}

void ThresholdsDialog::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QDialog::changeEvent(event);
}

void ThresholdsDialog::setThresholds(const DiagnosisThresholds &t)
{
    for (const auto &[n, member] : intThresholds()) {
        if (QSpinBox *s = m_ints.value(QLatin1String(n)))
            s->setValue(t.*member);
    }
    for (const auto &[n, member] : doubleThresholds()) {
        if (QDoubleSpinBox *s = m_doubles.value(QLatin1String(n)))
            s->setValue(t.*member);
    }
}

DiagnosisThresholds ThresholdsDialog::thresholds() const
{
    DiagnosisThresholds t;
    for (const auto &[n, member] : intThresholds()) {
        if (const QSpinBox *s = m_ints.value(QLatin1String(n)))
            t.*member = s->value();
    }
    for (const auto &[n, member] : doubleThresholds()) {
        if (const QDoubleSpinBox *s = m_doubles.value(QLatin1String(n)))
            t.*member = s->value();
    }
    return t;
}

QAbstractSpinBox *ThresholdsDialog::field(const QString &name) const
{
    if (QSpinBox *s = m_ints.value(name))
        return s;
    return m_doubles.value(name);
}

void ThresholdsDialog::save()
{
    const DiagnosisThresholds t = thresholds();
    saveThresholdsToSettings(t);
    Q_EMIT thresholdsSaved(t);
}

} // namespace tcpscope
