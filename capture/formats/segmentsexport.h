// The ladder's data: one row per segment of a connection, with its numbers (relative and
// raw), its notes and role, and both endpoints' states after it (docs/export-schema.md,
// `segments`).
#pragma once

#include "formats/dataexport.h"
#include "packets/ladder.h"

namespace tcpscope {

DataTable segmentsTable(const Ladder &ladder, const Connection &c, int digits = 6);

} // namespace tcpscope
