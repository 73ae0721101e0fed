#include "common/properties.h"

#include <cstdio>

namespace ozone {

namespace {

bool IsWhite(char c) { return c == ' ' || c == '\t' || c == '\f'; }

// Joins continuation lines and splits the text into logical lines (Java's LineReader).
std::vector<std::string> LogicalLines(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  bool continuing = false;
  size_t i = 0;
  while (i <= text.size()) {
    size_t end = text.find_first_of("\r\n", i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(i, end - i);
    // Skip the line terminator (\r\n counts once).
    size_t next = end;
    if (next < text.size() && text[next] == '\r') ++next;
    if (next < text.size() && text[next] == '\n') ++next;
    if (next == end) next = end + 1;

    size_t b = 0;
    while (b < line.size() && IsWhite(line[b])) ++b;
    line.remove_prefix(b);
    if (!continuing && (line.empty() || line[0] == '#' || line[0] == '!')) {
      i = next;
      continue;
    }
    // A line ending in an odd number of backslashes continues on the next one.
    size_t backslashes = 0;
    while (backslashes < line.size() && line[line.size() - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 1) {
      current.append(line.substr(0, line.size() - 1));
      continuing = true;
    } else {
      current.append(line);
      out.push_back(std::move(current));
      current.clear();
      continuing = false;
    }
    i = next;
  }
  if (continuing && !current.empty()) out.push_back(std::move(current));
  return out;
}

void AppendUtf8(unsigned cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '\\' || i + 1 >= s.size()) {
      out += c;
      continue;
    }
    char e = s[++i];
    switch (e) {
      case 't':
        out += '\t';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 'f':
        out += '\f';
        break;
      case 'u': {
        unsigned cp = 0;
        bool ok = i + 4 < s.size();
        for (size_t k = 1; ok && k <= 4; ++k) {
          char h = s[i + k];
          cp <<= 4;
          if (h >= '0' && h <= '9')
            cp |= static_cast<unsigned>(h - '0');
          else if (h >= 'a' && h <= 'f')
            cp |= static_cast<unsigned>(h - 'a' + 10);
          else if (h >= 'A' && h <= 'F')
            cp |= static_cast<unsigned>(h - 'A' + 10);
          else
            ok = false;
        }
        if (!ok) {
          out += 'u';
          break;
        }
        i += 4;
        AppendUtf8(cp, &out);  // \uXXXX covers the BMP only
        break;
      }
      default:
        out += e;
        break;
    }
  }
  return out;
}

std::string Escape(std::string_view s, bool is_key) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    switch (c) {
      case ' ':
        if (i == 0 || is_key) out += '\\';
        out += ' ';
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\f':
        out += "\\f";
        break;
      case '=':
      case ':':
      case '#':
      case '!':
      case '\\':
        out += '\\';
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

Properties Properties::Parse(std::string_view text) {
  Properties props;
  for (const std::string& line : LogicalLines(text)) {
    // The key ends at the first unescaped '=', ':' or whitespace.
    size_t i = 0;
    bool escaped = false;
    for (; i < line.size(); ++i) {
      char c = line[i];
      if (escaped) {
        escaped = false;
        continue;
      }
      if (c == '\\') {
        escaped = true;
        continue;
      }
      if (c == '=' || c == ':' || IsWhite(c)) break;
    }
    std::string key = Unescape(std::string_view(line).substr(0, i));
    // Skip whitespace, at most one separator, whitespace.
    while (i < line.size() && IsWhite(line[i])) ++i;
    if (i < line.size() && (line[i] == '=' || line[i] == ':')) ++i;
    while (i < line.size() && IsWhite(line[i])) ++i;
    props.Set(key, Unescape(std::string_view(line).substr(i)));
  }
  return props;
}

std::string Properties::Serialize(std::string_view comment) const {
  std::string out;
  if (!comment.empty()) {
    out += '#';
    out += comment;
    out += '\n';
  }
  for (const auto& [k, v] : entries_) {
    out += Escape(k, true);
    out += '=';
    out += Escape(v, false);
    out += '\n';
  }
  return out;
}

std::optional<std::string> Properties::Get(std::string_view key) const {
  for (const auto& [k, v] : entries_) {
    if (k == key) return v;
  }
  return std::nullopt;
}

void Properties::Set(std::string_view key, std::string_view value) {
  for (auto& [k, v] : entries_) {
    if (k == key) {
      v = value;
      return;
    }
  }
  entries_.emplace_back(key, value);
}

bool Properties::Remove(std::string_view key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first == key) {
      entries_.erase(it);
      return true;
    }
  }
  return false;
}

}  // namespace ozone
