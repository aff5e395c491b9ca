// Findings ▸ Thresholds…: the diagnosis engine's thresholds, one field each with its default,
// kept in the settings ("diagnosis/NAME", the names of `tcpscope-cli diagnose --threshold`).
#pragma once

#include "diagnose/diagnosisengine.h"

#include <QDialog>
#include <QHash>

class QAbstractSpinBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace tcpscope {

class ThresholdsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ThresholdsDialog(const DiagnosisThresholds &current, QWidget *parent = nullptr);

    DiagnosisThresholds thresholds() const; // as the fields are now
    void setThresholds(const DiagnosisThresholds &t);
    // The field of a threshold, by its name ("close-wait-count"); null for an unknown name.
    QAbstractSpinBox *field(const QString &name) const;
    QPushButton *defaultsButton() const { return m_defaults; }

signals:
    // OK: the thresholds were saved in the settings.
    void thresholdsSaved(const tcpscope::DiagnosisThresholds &thresholds);

protected:
    void changeEvent(QEvent *event) override;

private:
    void save();
    void retranslate();
    std::vector<std::pair<QString, QLabel *>> m_labels; // threshold name, its label
    QLabel *m_note = nullptr;
    QHash<QString, QSpinBox *> m_ints;
    QHash<QString, QDoubleSpinBox *> m_doubles;
    QPushButton *m_defaults = nullptr;
};

} // namespace tcpscope
