// redact_url_secrets and redact_urls_in_text: secrets in URLs hidden for display.
#include "common/url_redaction.hpp"

#include <gtest/gtest.h>

using namespace newsalert;

TEST(UrlRedaction, HidesValuesOfParametersNamedLikeSecrets) {
  EXPECT_EQ(redact_url_secrets("https://example.org/rss?apikey=SECRET&x=1"), "https://example.org/rss?apikey=REDACTED&x=1");
  EXPECT_EQ(redact_url_secrets("https://e.org/f?q=iran&api_key=S1&access_token=S2&sig=S3"),
            "https://e.org/f?q=iran&api_key=REDACTED&access_token=REDACTED&sig=REDACTED");
  EXPECT_EQ(redact_url_secrets("https://b.s3.amazonaws.com/f.xml?X-Amz-Credential=AK%2F1&X-Amz-Signature=ab12&X-Amz-Expires=60"),
            "https://b.s3.amazonaws.com/f.xml?X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&X-Amz-Expires=60");
  for (const char* name : {"APIKEY", "Token", "client_secret", "signature", "password", "passwd", "pass", "pwd",
                           "auth", "oauth_token", "credentials", "jsessionid", "api%5Fkey", "my-Key"})
    EXPECT_TRUE(is_secret_parameter(name)) << name;
  for (const char* name : {"q", "format", "page", "lang", "id", "limit", "category", "x"})
    EXPECT_FALSE(is_secret_parameter(name)) << name;
}

TEST(UrlRedaction, KeepsEverythingElseOfTheUrl) {
  EXPECT_EQ(redact_url_secrets("https://example.org/rss"), "https://example.org/rss");
  EXPECT_EQ(redact_url_secrets("https://example.org/rss?q=a&b"), "https://example.org/rss?q=a&b");
  EXPECT_EQ(redact_url_secrets("https://e.org/rss?token=&key"), "https://e.org/rss?token=&key") << "nothing to hide";
  EXPECT_EQ(redact_url_secrets("https://e.org/rss?a=1;token=T;b=2#token=frag"),
            "https://e.org/rss?a=1;token=REDACTED;b=2#token=frag");
  EXPECT_EQ(redact_url_secrets("https://e.org/rss#x?token=T"), "https://e.org/rss#x?token=T") << "not a query";
  EXPECT_EQ(redact_url_secrets("/relative?key=K"), "/relative?key=REDACTED");
  EXPECT_EQ(redact_url_secrets(""), "");
}

TEST(UrlRedaction, HidesUserInfo) {
  EXPECT_EQ(redact_url_secrets("https://user:pw@example.org/rss?key=K"), "https://REDACTED@example.org/rss?key=REDACTED");
  EXPECT_EQ(redact_url_secrets("https://ghp_token@example.org/"), "https://REDACTED@example.org/");
  EXPECT_EQ(redact_url_secrets("https://example.org/a@b?c=d@e"), "https://example.org/a@b?c=d@e");
  EXPECT_EQ(redact_url_secrets("/go?to=https://u:p@x.org/"), "/go?to=https://u:p@x.org/") << "a value, not the authority";
}

TEST(UrlRedaction, FindsUrlsInASentence) {
  EXPECT_EQ(redact_urls_in_text("feed https://e.org/rss?apikey=S: poll failed: HTTP 404"),
            "feed https://e.org/rss?apikey=REDACTED: poll failed: HTTP 404");
  EXPECT_EQ(redact_urls_in_text("moved from http://a.org/?token=A to 'https://b.org/?token=B', (hub http://h.org/?sig=C)."),
            "moved from http://a.org/?token=REDACTED to 'https://b.org/?token=REDACTED', (hub http://h.org/?sig=REDACTED).");
  EXPECT_EQ(redact_urls_in_text("link \"http://x.org/a?key=K\nb\" done"), "link \"http://x.org/a?key=REDACTED\nb\" done");
  EXPECT_EQ(redact_urls_in_text("a://, ://x?key=K, 9http://x?key=K"), "a://, ://x?key=K, 9http://x?key=REDACTED")
      << "a URL starts with a letter";
  EXPECT_EQ(redact_urls_in_text("ends with https://e.org/?key=K"), "ends with https://e.org/?key=REDACTED");
  EXPECT_EQ(redact_urls_in_text(""), "");
}
