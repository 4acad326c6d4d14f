#include "controller/cli/text_table.h"

#include <algorithm>

namespace rtm {
namespace {

constexpr std::string_view kColumnGap = "   ";
constexpr std::string_view kEmptyCell = "-";

std::string CellAt(const TableRow& row, size_t column) {
  if (column >= row.size() || row[column].empty()) return std::string(kEmptyCell);
  return row[column];
}

std::string RenderLine(const TableRow& cells, const std::vector<size_t>& widths,
                       std::string_view indent) {
  std::string line(indent);
  for (size_t column = 0; column < widths.size(); ++column) {
    const std::string cell = CellAt(cells, column);
    line += cell;
    if (column + 1 < widths.size()) {
      line.append(widths[column] - cell.size(), ' ');
      line += kColumnGap;
    }
  }
  while (line.ends_with(' ')) line.pop_back();
  return line + "\n";
}

}  // namespace

std::string RenderTable(const TableRow& header, const std::vector<TableRow>& rows,
                        std::string_view indent) {
  std::vector<size_t> widths(header.size(), 0);
  for (size_t column = 0; column < header.size(); ++column) {
    widths[column] = CellAt(header, column).size();
    for (const TableRow& row : rows) {
      widths[column] = std::max(widths[column], CellAt(row, column).size());
    }
  }
  std::string table = RenderLine(header, widths, indent);
  for (const TableRow& row : rows) table += RenderLine(row, widths, indent);
  return table;
}

std::string FormatAge(Duration age) {
  using std::chrono::duration_cast;
  const auto seconds = duration_cast<std::chrono::seconds>(age).count();
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60) return std::to_string(seconds) + "s";
  const auto minutes = seconds / 60;
  if (minutes < 60) return std::to_string(minutes) + "m";
  const auto hours = minutes / 60;
  if (hours < 24) return std::to_string(hours) + "h";
  if (hours < 24 * 365) return std::to_string(hours / 24) + "d";
  return std::to_string(hours / 24 / 365) + "y";
}

std::string AgeSince(std::string_view rfc3339, Timestamp now) {
  const std::optional<Timestamp> since = ParseRfc3339(rfc3339);
  if (!since) return std::string(kEmptyCell);
  return FormatAge(now - *since);
}

std::string ShortContainerId(std::string_view id) {
  if (id.empty()) return std::string(kEmptyCell);
  return std::string(id.substr(0, 12));
}

}  // namespace rtm
