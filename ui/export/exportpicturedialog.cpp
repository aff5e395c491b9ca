#include "export/exportpicturedialog.h"

#include "export/exportactions.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>

namespace tcpscope {

ExportPictureDialog::ExportPictureDialog(const QStringList &kinds, const QStringList &names,
                                         QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Export a picture"));
    m_kind = new QComboBox;
    for (qsizetype i = 0; i < kinds.size(); ++i)
        m_kind->addItem(names.value(i, kinds[i]), kinds[i]);
    m_scale = new QComboBox;
    m_scale->addItem(tr("1× (screen)"), 1.0);
    m_scale->addItem(tr("2× (print)"), 2.0);
    m_scale->addItem(tr("3× (large print)"), 3.0);
    m_scale->setCurrentIndex(1);
    m_paper = new QComboBox;
    m_paper->addItem(tr("A4"), int(PaperSize::A4));
    m_paper->addItem(tr("Letter"), int(PaperSize::Letter));
    m_paper->setCurrentIndex(defaultPaperSize() == PaperSize::Letter ? 1 : 0);
    m_paper->setToolTip(tr("A table's or a history's PDF is cut into pages of this size, "
                           "its header on each"));
    m_print = new QCheckBox(tr("Print-friendly: white background, dark text"));
    m_print->setChecked(true);
    m_motion = new QCheckBox(tr("The diagram as it moves: tokens, flashing arrows, the pointer"));
    m_motion->setToolTip(tr("Off: the diagram at rest, with the states and the followed "
                            "connection's steps but nothing in flight"));
    m_caption = new QCheckBox(tr("Caption under the picture"));
    m_caption->setChecked(true);
    m_captionText = new QLineEdit;
    connect(m_caption, &QCheckBox::toggled, m_captionText, &QWidget::setEnabled);
    m_path = new QLineEdit(
        QDir(ExportActions::lastFolder()).filePath(QStringLiteral("tcpscope-diagram.png")));
    auto *browse = new QPushButton(tr("Browse…"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString p = QFileDialog::getSaveFileName(
            this, tr("Export a picture"), m_path->text(),
            tr("PNG image (*.png);;SVG vector drawing (*.svg);;PDF document (*.pdf)"));
        if (!p.isEmpty())
            m_path->setText(p);
    });
    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] {
        const QFileInfo f(m_path->text());
        m_path->setText(f.dir().filePath(
            QStringLiteral("tcpscope-%1.%2")
                .arg(kind(), f.suffix().isEmpty() ? QStringLiteral("png") : f.suffix())));
        if (m_captionFor)
            m_captionText->setText(m_captionFor(kind()));
    });
    auto *where = new QHBoxLayout;
    where->addWidget(m_path, 1);
    where->addWidget(browse);
    auto *form = new QFormLayout(this);
    form->addRow(tr("View"), m_kind);
    form->addRow(tr("File (.png, .svg, .pdf)"), where);
    form->addRow(tr("PNG scale"), m_scale);
    form->addRow(tr("PDF pages (tables)"), m_paper);
    form->addRow(QString(), m_print);
    form->addRow(QString(), m_motion);
    form->addRow(QString(), m_caption);
    form->addRow(tr("Caption"), m_captionText);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
    QPushButton *copy = buttons->addButton(tr("Copy to clipboard"), QDialogButtonBox::ActionRole);
    connect(copy, &QPushButton::clicked, this, [this] {
        m_copy = true;
        accept();
    });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
    resize(620, sizeHint().height());
}

void ExportPictureDialog::setCaptionProvider(std::function<QString(const QString &)> provider)
{
    m_captionFor = std::move(provider);
    m_captionText->setText(m_captionFor(kind()));
}

QString ExportPictureDialog::kind() const { return m_kind->currentData().toString(); }

QString ExportPictureDialog::path() const { return m_path->text(); }

PictureOptions ExportPictureDialog::options() const
{
    PictureOptions o;
    o.scale = m_scale->currentData().toDouble();
    o.printStyle = m_print->isChecked();
    o.motion = m_motion->isChecked();
    o.caption = m_caption->isChecked();
    o.captionText = m_captionText->text();
    o.paper = PaperSize(m_paper->currentData().toInt());
    return o;
}

} // namespace tcpscope
