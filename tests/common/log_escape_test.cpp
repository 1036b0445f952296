// escape_for_log: what a text log line shows of control characters and broken UTF-8.
#include "common/log_escape.hpp"

#include <gtest/gtest.h>

using namespace newsalert;

TEST(EscapeForLog, WritesLineBreaksAndTerminalEscapesAsText) {
  EXPECT_EQ(escape_for_log("a\nb\rc\td"), "a\\nb\\rc\\td");
  EXPECT_EQ(escape_for_log("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
  EXPECT_EQ(escape_for_log(std::string_view("nul\0bel\x07" "del\x7f", 12)), "nul\\x00bel\\x07del\\x7f");
  EXPECT_EQ(escape_for_log("title\n<0>forged"), "title\\n<0>forged");
}

TEST(EscapeForLog, DoublesBackslashesSoNoEscapeCanBeForged) {
  // A title that spells "\n" itself must not read like an escaped line break.
  EXPECT_EQ(escape_for_log("a\\nb"), "a\\\\nb");
  EXPECT_EQ(escape_for_log("C:\\x1b"), "C:\\\\x1b");
}

TEST(EscapeForLog, WritesC1ControlsAsCodePoints) {
  EXPECT_EQ(escape_for_log("next\xc2\x85line"), "next\\u0085line");
  EXPECT_EQ(escape_for_log("csi\xc2\x9b" "31m"), "csi\\u009b31m");
  EXPECT_EQ(escape_for_log("\xc2\x80\xc2\x9f\xc2\xa0"), "\\u0080\\u009f\xc2\xa0") << "U+00A0 is not a control";
}

TEST(EscapeForLog, KeepsValidUtf8AsItIs) {
  const std::string text = "caf\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87 \xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a \xf0\x9f\x93\xb0 \xef\xbf\xbd";
  EXPECT_EQ(escape_for_log(text), text);
  EXPECT_EQ(escape_for_log("plain <ascii> \"quoted\" 'text' 100%"), "plain <ascii> \"quoted\" 'text' 100%");
}

TEST(EscapeForLog, WritesBytesThatAreNotUtf8AsHex) {
  EXPECT_EQ(escape_for_log("caf\xe9!"), "caf\\xe9!");
  EXPECT_EQ(escape_for_log("\xc0\xaf"), "\\xc0\\xaf") << "overlong '/'";
  EXPECT_EQ(escape_for_log("\xed\xa0\x80"), "\\xed\\xa0\\x80") << "a surrogate";
  EXPECT_EQ(escape_for_log("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80") << "past U+10FFFF";
  EXPECT_EQ(escape_for_log("\xe2\x82"), "\\xe2\\x82") << "cut short at the end";
  EXPECT_EQ(escape_for_log("\xe2\x82z"), "\\xe2\\x82z") << "cut short by ASCII";
  EXPECT_EQ(escape_for_log("\x80\xbf"), "\\x80\\xbf") << "continuation bytes alone";
}
