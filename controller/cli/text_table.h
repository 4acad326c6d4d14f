// Plain-text building blocks of the client commands' output (kubectl
// style): aligned tables and short ages.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reconcile/domain/time.h"

namespace rtm {

using TableRow = std::vector<std::string>;

// Left-aligned columns separated by three spaces, one line per row after the
// header line, no trailing spaces; an empty cell is written "-". Rows with
// fewer cells than the header are padded with "-", longer ones cut.
// `indent` prefixes every line.
std::string RenderTable(const TableRow& header, const std::vector<TableRow>& rows,
                        std::string_view indent = "");

// kubectl's short age: "0s".."59s", "1m".."59m", "1h".."23h", "1d".."364d",
// then years ("2y"). Negative ages (clock skew) up to -1s are "0s", beyond
// that "<invalid>".
std::string FormatAge(Duration age);

// The age of `rfc3339` at `now`; "-" when the text is empty or not a
// timestamp.
std::string AgeSince(std::string_view rfc3339, Timestamp now);

// The first 12 characters of a container id (Docker's short form); "-"
// when empty.
std::string ShortContainerId(std::string_view id);

}  // namespace rtm
