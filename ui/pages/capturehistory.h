// A capture's connection as History and the diagram show it: one numbered step per History
// row (an inferred row's arrows share its number), each taken by its client or its server.
#pragma once

#include "diagram/statediagramview.h"
#include "packets/tcptracker.h"

#include <QList>

#include <vector>

namespace tcpscope {

// The client's endpoint index of a connection (0 unless endpoint 0 is the server).
int clientIndex(const Connection &c);
// Both endpoints' roles are known (else their sides are Unknown: one colour).
bool rolesKnown(const Connection &c);
FollowedSide sideOf(const Connection &c, int endpoint);

// The diagram's arrows for the first `count` rows of `history`, numbered 1.. by row.
std::vector<FollowedStep> followedStepsOf(const std::vector<StateChange> &history,
                                          const Connection &c, std::size_t count);
// The client's and the server's states after the first `count` rows of `history`.
QList<TcpState> statesAfter(const std::vector<StateChange> &history, const Connection &c,
                            std::size_t count);

} // namespace tcpscope
