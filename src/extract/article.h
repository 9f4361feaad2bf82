// A news article as faultline reads it, and the readers that make one from
// the formats news arrives in: plain text with a small header, HTML (gumbo;
// scripts, navigation and boilerplate dropped), RSS 2.0 / Atom feeds
// (expat), and NDJSON with one article per line. Every reader is streaming
// or bounded, UTF-8 throughout, and reports what it skipped and why.
#ifndef FAULTLINE_EXTRACT_ARTICLE_H_
#define FAULTLINE_EXTRACT_ARTICLE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/status.h"

namespace faultline::extract {

struct Article {
  std::string title;
  std::string outlet;
  std::string url;
  std::string published;  // ISO date (YYYY-MM-DD) or date-time as given; may be empty
  std::string language = "en";
  std::string body;
  bool sample = false;   // written by the project as a test sample
  std::string origin;    // where it was read: "file.txt", "feed.xml#3", "a.ndjson:12"
  // The text the extractor reads and evidence offsets point into: the title,
  // a blank line, then the body (just the body when there is no title).
  std::string Text() const;
  // Publication day number, when `published` starts with a valid date.
  std::optional<int32_t> PublishedDay() const;
};

// A document a reader could not turn into an article, and why.
struct SkippedDocument {
  std::string origin;
  std::string reason;
};

using ArticleSink = std::function<Status(Article&&)>;

// Plain text: optional "key: value" header lines (title, outlet, url,
// published, language, sample) up to the first blank line, then the body.
// A file without a header is all body.
Result<Article> ParseTextArticle(std::string_view content, std::string origin);
// HTML: <title>/og: metadata and the main text of the page.
Result<Article> ParseHtmlArticle(std::string_view content, std::string origin);
// RSS 2.0 or Atom: one article per item/entry (description/content as body,
// HTML inside it stripped).
Status ParseFeed(std::string_view content, const std::string& origin, const ArticleSink& sink,
                 std::vector<SkippedDocument>* skipped);
// NDJSON: one JSON object per line with title, outlet, url, published, body
// (or text), language.
Status ParseNdjsonArticles(std::string_view content, const std::string& origin, const ArticleSink& sink,
                           std::vector<SkippedDocument>* skipped);

enum class ArticleFormat { kText, kHtml, kFeed, kNdjson };
// By extension, then by sniffing the first bytes.
ArticleFormat DetectArticleFormat(std::string_view path, std::string_view head);

// Reads any supported file into articles. Invalid UTF-8, binary content and
// empty documents become SkippedDocument entries with the reason; documents
// over `max_bytes` are skipped too.
Status ReadArticles(std::string_view content, const std::string& origin, ArticleFormat format,
                    const ArticleSink& sink, std::vector<SkippedDocument>* skipped);

}  // namespace faultline::extract

#endif  // FAULTLINE_EXTRACT_ARTICLE_H_
