// What `tcpscope-cli lab run` tells its reader: the run's events (labprotocol.h), as JSON
// lines for the window's Lab panel and scripts, or as text for a person at a terminal.
#pragma once

#include "lab/labprotocol.h"

#include <memory>

namespace tcpscope {
struct LabScenario;
}

class LabReporter
{
public:
    virtual ~LabReporter() = default;
    virtual void report(const tcpscope::LabEvent &event) = 0;
};

// The protocol's own lines, one event a line, flushed at once.
std::unique_ptr<LabReporter> makeJsonLabReporter();
// The scenario narrated in `language` ("en" or "zh"), with what the kernel showed.
std::unique_ptr<LabReporter> makeTextLabReporter(const tcpscope::LabScenario &scenario,
                                                 const QString &language);
