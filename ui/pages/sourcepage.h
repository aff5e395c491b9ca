// The one face of every source tab (the kernel table, a capture file, a live capture): its
// views, what File ▸ Export draws and writes of it, and its packets, if it has any. The window
// knows its tabs only through this.
#pragma once

#include "export/windowexport.h"
#include "pages/sourceviews.h"

#include <QString>

namespace tcpscope {

class SourcePage
{
public:
    virtual ~SourcePage() = default;

    virtual const SourceViews &views() const = 0;
    // The views and data of this tab, for File ▸ Export (the window fills in itself).
    virtual ExportTarget exportTarget() const = 0;
    // The file holding this tab's packets (empty: it has none).
    virtual QString packetsFile() const { return QString(); }
};

} // namespace tcpscope
