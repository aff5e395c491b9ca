// File ▸ Export ▸ Picture: which view, where (PNG, SVG or PDF by the name), the scale of a
// PNG, the paper of a table's PDF, the print-friendly style and the caption.
#pragma once

#include "export/pictureexport.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLineEdit;

namespace tcpscope {

class ExportPictureDialog : public QDialog
{
    Q_OBJECT
public:
    // kinds: the views that can be drawn (pictureKinds()), with their names for the user.
    ExportPictureDialog(const QStringList &kinds, const QStringList &names, QWidget *parent);

    QString kind() const;
    QString path() const;
    PictureOptions options() const;
    // Copy to the clipboard was chosen instead of Save.
    bool copyRequested() const { return m_copy; }
    // The caption proposed for a view (refilled when the view changes).
    void setCaptionProvider(std::function<QString(const QString &kind)> provider);

private:
    QComboBox *m_kind;
    QComboBox *m_scale;
    QComboBox *m_paper;
    QCheckBox *m_print;
    QCheckBox *m_motion; // the diagram's tokens and hover too (else at rest)
    QCheckBox *m_caption;
    QLineEdit *m_captionText;
    QLineEdit *m_path;
    std::function<QString(const QString &)> m_captionFor;
    bool m_copy = false;
};

} // namespace tcpscope
