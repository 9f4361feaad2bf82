#include "extract/article.h"

#include <expat.h>
#include <gumbo.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "common/date.h"
#include "common/text.h"

namespace faultline::extract {
namespace {

constexpr size_t kMaxDocumentBytes = 64u << 20;  // larger documents are skipped with a reason

// Why `content` cannot be read as text, or empty.
std::string TextProblem(std::string_view content) {
  if (Trim(content).empty()) return "empty document";
  if (content.size() > kMaxDocumentBytes) return "document larger than 64 MiB";
  if (std::memchr(content.data(), '\0', content.size()) != nullptr) return "binary content (NUL bytes)";
  if (auto bad = FindInvalidUtf8(content)) return "invalid UTF-8 at byte " + std::to_string(*bad);
  return {};
}

// "Tue, 29 Nov 2022 10:00:00 +0500", "2022-11-29T10:00:00Z", "29 November 2022" -> "2022-11-29".
std::string NormaliseDate(std::string_view s) {
  s = Trim(s);
  if (s.size() >= 10 && CivilDate::Parse(s.substr(0, 10)).ok()) return std::string(s.substr(0, 10));
  int day = 0, month = 0, year = 0;
  std::string word;
  auto flush = [&]() {
    if (word.empty()) return;
    if (std::isdigit(static_cast<unsigned char>(word[0]))) {
      int v = std::atoi(word.c_str());
      if (word.size() == 4 && v >= 1900) year = v;
      else if (v >= 1 && v <= 31 && day == 0 && word.find(':') == std::string::npos) day = v;
    } else if (auto m = MonthFromName(word)) {
      month = *m;
    }
    word.clear();
  };
  for (char c : s) {
    if (c == ' ' || c == ',' || c == '-' || c == '/') {
      flush();
    } else {
      word.push_back(c);
    }
  }
  flush();
  if (day && month && year) {
    auto d = CivilDate::FromYmd(year, month, day);
    if (d.ok()) return d->ToString();
  }
  return {};
}

bool SetHeader(Article* a, std::string_view key, std::string_view value) {
  std::string k = ToLowerAscii(Trim(key));
  std::string v(Trim(value));
  if (k == "title" || k == "headline") a->title = v;
  else if (k == "outlet" || k == "source" || k == "publisher") a->outlet = v;
  else if (k == "url" || k == "link") a->url = v;
  else if (k == "published" || k == "date" || k == "published_at") a->published = NormaliseDate(v).empty() ? v : NormaliseDate(v);
  else if (k == "language" || k == "lang") a->language = v;
  else if (k == "sample") a->sample = v == "true" || v == "yes" || v == "1";
  else return false;
  return true;
}

// ---- HTML ----

bool IsBoilerplate(GumboNode* node) {
  if (node->type != GUMBO_NODE_ELEMENT) return false;
  switch (node->v.element.tag) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NAV: case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_HEADER: case GUMBO_TAG_ASIDE: case GUMBO_TAG_FORM: case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_IFRAME: case GUMBO_TAG_SVG: case GUMBO_TAG_BUTTON: case GUMBO_TAG_SELECT:
    case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_HEAD: case GUMBO_TAG_FIGCAPTION:
      return true;
    default: break;
  }
  for (const char* attr : {"class", "id", "role"}) {
    GumboAttribute* a = gumbo_get_attribute(&node->v.element.attributes, attr);
    if (a == nullptr) continue;
    std::string v = ToLowerAscii(a->value);
    for (const char* bad : {"nav", "menu", "footer", "comment", "share", "related", "sidebar", "advert", "cookie",
                            "banner", "breadcrumb", "social", "newsletter", "subscribe", "promo"}) {
      if (v.find(bad) != std::string::npos) return true;
    }
  }
  return false;
}

bool IsBlock(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
    case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_LI: case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_BR: case GUMBO_TAG_TR: case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_UL:
    case GUMBO_TAG_OL: case GUMBO_TAG_TABLE: case GUMBO_TAG_PRE:
      return true;
    default: return false;
  }
}

void CollectText(GumboNode* node, std::string* out, int depth) {
  if (depth > 200) return;  // pathological nesting: stop descending, keep what we have
  if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE || node->type == GUMBO_NODE_CDATA) {
    std::string_view t = node->v.text.text;
    for (char c : t) {
      bool ws = c == ' ' || c == '\n' || c == '\t' || c == '\r';
      if (ws) {
        if (!out->empty() && out->back() != ' ' && out->back() != '\n') out->push_back(' ');
      } else {
        out->push_back(c);
      }
    }
    return;
  }
  if (node->type != GUMBO_NODE_ELEMENT || IsBoilerplate(node)) return;
  bool block = IsBlock(node->v.element.tag);
  auto paragraph = [&]() {
    while (!out->empty() && out->back() == ' ') out->pop_back();
    if (!out->empty() && out->substr(out->size() >= 2 ? out->size() - 2 : 0) != "\n\n") {
      if (out->back() == '\n') out->push_back('\n');
      else out->append("\n\n");
    }
  };
  if (block) paragraph();
  GumboVector* children = &node->v.element.children;
  for (unsigned i = 0; i < children->length; ++i) {
    CollectText(static_cast<GumboNode*>(children->data[i]), out, depth + 1);
  }
  if (block) paragraph();
}

GumboNode* FindTag(GumboNode* node, GumboTag tag, int depth = 0) {
  if (node->type != GUMBO_NODE_ELEMENT || depth > 200) return nullptr;
  if (node->v.element.tag == tag) return node;
  GumboVector* children = &node->v.element.children;
  for (unsigned i = 0; i < children->length; ++i) {
    if (GumboNode* f = FindTag(static_cast<GumboNode*>(children->data[i]), tag, depth + 1)) return f;
  }
  return nullptr;
}

void ReadMeta(GumboNode* node, Article* a, int depth = 0) {
  if (node->type != GUMBO_NODE_ELEMENT || depth > 200) return;
  const GumboElement& e = node->v.element;
  if (e.tag == GUMBO_TAG_META) {
    GumboAttribute* prop = gumbo_get_attribute(&e.attributes, "property");
    if (prop == nullptr) prop = gumbo_get_attribute(&e.attributes, "name");
    GumboAttribute* content = gumbo_get_attribute(&e.attributes, "content");
    if (prop && content) {
      std::string p = ToLowerAscii(prop->value);
      if (p == "og:title" && a->title.empty()) a->title = content->value;
      if (p == "og:site_name") a->outlet = content->value;
      if (p == "og:url" && a->url.empty()) a->url = content->value;
      if ((p == "article:published_time" || p == "date" || p == "pubdate") && a->published.empty()) {
        a->published = NormaliseDate(content->value);
      }
    }
  } else if (e.tag == GUMBO_TAG_TITLE && a->title.empty() && e.children.length > 0) {
    auto* t = static_cast<GumboNode*>(e.children.data[0]);
    if (t->type == GUMBO_NODE_TEXT) a->title = std::string(Trim(t->v.text.text));
  } else if (e.tag == GUMBO_TAG_TIME && a->published.empty()) {
    if (GumboAttribute* dt = gumbo_get_attribute(&e.attributes, "datetime")) a->published = NormaliseDate(dt->value);
  } else if (e.tag == GUMBO_TAG_HTML) {
    if (GumboAttribute* lang = gumbo_get_attribute(&e.attributes, "lang")) a->language = std::string(lang->value).substr(0, 2);
  }
  for (unsigned i = 0; i < e.children.length; ++i) ReadMeta(static_cast<GumboNode*>(e.children.data[i]), a, depth + 1);
}

std::string Tidy(std::string s) {
  // Collapse 3+ newlines and trim.
  std::string out;
  int nl = 0;
  for (char c : s) {
    if (c == '\n') {
      if (++nl <= 2) out.push_back(c);
    } else {
      nl = 0;
      out.push_back(c);
    }
  }
  return std::string(Trim(out));
}

std::string HtmlToText(std::string_view html) {
  GumboOutput* g = gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
  std::string text;
  GumboNode* root = FindTag(g->root, GUMBO_TAG_ARTICLE);
  if (root == nullptr) root = FindTag(g->root, GUMBO_TAG_MAIN);
  if (root == nullptr) root = FindTag(g->root, GUMBO_TAG_BODY);
  if (root == nullptr) root = g->root;
  CollectText(root, &text, 0);
  gumbo_destroy_output(&kGumboDefaultOptions, g);
  return Tidy(std::move(text));
}

// ---- Feeds ----

struct FeedState {
  std::vector<std::string> stack;
  std::string text;  // character data of the current element
  bool in_item = false;
  Article item;
  std::string channel_title;
  int count = 0;
  const std::string* origin = nullptr;
  const ArticleSink* sink = nullptr;
  std::vector<SkippedDocument>* skipped = nullptr;
  Status status;
  std::string description;
  std::string content;
};

std::string LocalName(const char* name) {
  std::string n(name);
  size_t colon = n.find_last_of(": ");
  return colon == std::string::npos ? n : n.substr(colon + 1);
}

void XMLCALL FeedStart(void* data, const char* name, const char** attrs) {
  auto* st = static_cast<FeedState*>(data);
  std::string n = LocalName(name);
  st->stack.push_back(n);
  st->text.clear();
  if (n == "item" || n == "entry") {
    st->in_item = true;
    st->item = Article();
    st->description.clear();
    st->content.clear();
  }
  if (st->in_item && n == "link") {
    for (int i = 0; attrs[i] != nullptr; i += 2) {
      if (std::strcmp(attrs[i], "href") == 0 && st->item.url.empty()) st->item.url = attrs[i + 1];
    }
  }
}

void XMLCALL FeedText(void* data, const char* s, int len) {
  auto* st = static_cast<FeedState*>(data);
  if (st->text.size() < kMaxDocumentBytes) st->text.append(s, static_cast<size_t>(len));
}

void XMLCALL FeedEnd(void* data, const char* name) {
  auto* st = static_cast<FeedState*>(data);
  std::string n = LocalName(name);
  std::string v(Trim(st->text));
  if (st->in_item) {
    if (n == "title") st->item.title = v;
    else if (n == "link" && !v.empty() && st->item.url.empty()) st->item.url = v;
    else if (n == "pubDate" || n == "published" || n == "updated" || n == "date") {
      if (st->item.published.empty()) st->item.published = NormaliseDate(v);
    } else if (n == "description" || n == "summary") st->description = v;
    else if (n == "encoded" || n == "content") st->content = v;
    else if (n == "item" || n == "entry") {
      st->in_item = false;
      ++st->count;
      Article a = std::move(st->item);
      a.outlet = st->channel_title;
      std::string html = st->content.empty() ? st->description : st->content;
      a.body = HtmlToText(html);
      a.origin = *st->origin + "#" + std::to_string(st->count);
      if (a.body.empty() && a.title.empty()) {
        st->skipped->push_back({a.origin, "feed item without title or text"});
      } else if (st->status.ok()) {
        st->status = (*st->sink)(std::move(a));
      }
    }
  } else if (n == "title" && st->channel_title.empty()) {
    st->channel_title = v;
  }
  st->text.clear();
  if (!st->stack.empty()) st->stack.pop_back();
}

}  // namespace

Result<Article> ParseTextArticle(std::string_view content, std::string origin) {
  if (std::string p = TextProblem(content); !p.empty()) return InvalidArgument(origin + ": " + p);
  Article a;
  a.origin = std::move(origin);
  if (content.size() >= 3 && content.substr(0, 3) == "\xEF\xBB\xBF") content.remove_prefix(3);  // BOM
  size_t pos = 0;
  bool header = false;
  // Header lines until the first blank line, only if the first line is one.
  while (pos < content.size()) {
    size_t eol = content.find('\n', pos);
    std::string_view line = content.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (Trim(line).empty()) {
      if (header) {
        pos = eol == std::string_view::npos ? content.size() : eol + 1;
      }
      break;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon > 20 || !SetHeader(&a, line.substr(0, colon), line.substr(colon + 1))) {
      if (header) {  // a header, then text without a blank line
        break;
      }
      break;
    }
    header = true;
    pos = eol == std::string_view::npos ? content.size() : eol + 1;
  }
  if (!header) pos = 0;
  std::string body(content.substr(pos));
  // Normalise CRLF.
  std::string clean;
  clean.reserve(body.size());
  for (char c : body) {
    if (c != '\r') clean.push_back(c);
  }
  a.body = std::string(Trim(clean));
  if (a.body.empty() && a.title.empty()) return InvalidArgument(a.origin + ": no text after the header");
  return a;
}

Result<Article> ParseHtmlArticle(std::string_view content, std::string origin) {
  if (std::string p = TextProblem(content); !p.empty()) return InvalidArgument(origin + ": " + p);
  Article a;
  a.origin = std::move(origin);
  GumboOutput* g = gumbo_parse_with_options(&kGumboDefaultOptions, content.data(), content.size());
  ReadMeta(g->root, &a);
  gumbo_destroy_output(&kGumboDefaultOptions, g);
  a.body = HtmlToText(content);
  // The page's <h1> often repeats the title at the top of the body.
  if (!a.title.empty() && a.body.rfind(a.title, 0) == 0) a.body = std::string(Trim(a.body.substr(a.title.size())));
  if (a.body.empty()) return InvalidArgument(a.origin + ": no text in the page (only scripts or markup)");
  return a;
}

Status ParseFeed(std::string_view content, const std::string& origin, const ArticleSink& sink,
                 std::vector<SkippedDocument>* skipped) {
  if (std::string p = TextProblem(content); !p.empty()) return InvalidArgument(origin + ": " + p);
  XML_Parser parser = XML_ParserCreate("UTF-8");
  FeedState st;
  st.origin = &origin;
  st.sink = &sink;
  st.skipped = skipped;
  XML_SetUserData(parser, &st);
  XML_SetElementHandler(parser, FeedStart, FeedEnd);
  XML_SetCharacterDataHandler(parser, FeedText);
  Status result;
  if (XML_Parse(parser, content.data(), static_cast<int>(content.size()), 1) == XML_STATUS_ERROR) {
    result = InvalidArgument(origin + ":" + std::to_string(XML_GetCurrentLineNumber(parser)) + ":" +
                                     std::to_string(XML_GetCurrentColumnNumber(parser)) +
                                     ": not a well-formed feed: " + XML_ErrorString(XML_GetErrorCode(parser)));
  }
  XML_ParserFree(parser);
  RETURN_IF_ERROR(st.status);
  RETURN_IF_ERROR(result);
  if (st.count == 0) return InvalidArgument(origin + ": no RSS <item> or Atom <entry> in the feed");
  return Status::Ok();
}

Status ParseNdjsonArticles(std::string_view content, const std::string& origin, const ArticleSink& sink,
                           std::vector<SkippedDocument>* skipped) {
  size_t pos = 0;
  int line_no = 0;
  while (pos < content.size()) {
    size_t eol = content.find('\n', pos);
    std::string_view line = content.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    pos = eol == std::string_view::npos ? content.size() : eol + 1;
    ++line_no;
    std::string where = origin + ":" + std::to_string(line_no);
    if (Trim(line).empty()) continue;
    if (auto bad = FindInvalidUtf8(line)) {
      skipped->push_back({where, "invalid UTF-8 at byte " + std::to_string(*bad)});
      continue;
    }
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      skipped->push_back({where, "not a JSON object"});
      continue;
    }
    Article a;
    a.origin = where;
    for (auto& [k, v] : j.items()) {
      if (k == "body" || k == "text" || k == "content") {
        if (v.is_string()) a.body = v.get<std::string>();
      } else if (v.is_string()) {
        SetHeader(&a, k, v.get<std::string>());
      } else if (k == "sample" && v.is_boolean()) {
        a.sample = v.get<bool>();
      }
    }
    if (Trim(a.body).empty() && a.title.empty()) {
      skipped->push_back({where, "no \"body\" or \"text\" field"});
      continue;
    }
    RETURN_IF_ERROR(sink(std::move(a)));
  }
  return Status::Ok();
}

ArticleFormat DetectArticleFormat(std::string_view path, std::string_view head) {
  std::string p = ToLowerAscii(path);
  auto ends = [&](std::string_view s) { return p.size() >= s.size() && p.compare(p.size() - s.size(), s.size(), s) == 0; };
  if (ends(".ndjson") || ends(".jsonl")) return ArticleFormat::kNdjson;
  if (ends(".html") || ends(".htm")) return ArticleFormat::kHtml;
  if (ends(".rss") || ends(".atom") || ends(".xml")) return ArticleFormat::kFeed;
  std::string h = ToLowerAscii(Trim(head.substr(0, 512)));
  if (h.rfind("<?xml", 0) == 0 || h.find("<rss") != std::string::npos || h.find("<feed") != std::string::npos) {
    return ArticleFormat::kFeed;
  }
  if (h.rfind("<!doctype html", 0) == 0 || h.rfind("<html", 0) == 0) return ArticleFormat::kHtml;
  if (h.rfind("{", 0) == 0) return ArticleFormat::kNdjson;
  return ArticleFormat::kText;
}

Status ReadArticles(std::string_view content, const std::string& origin, ArticleFormat format,
                    const ArticleSink& sink, std::vector<SkippedDocument>* skipped) {
  switch (format) {
    case ArticleFormat::kNdjson:
      return ParseNdjsonArticles(content, origin, sink, skipped);
    case ArticleFormat::kFeed: {
      Status s = ParseFeed(content, origin, sink, skipped);
      if (!s.ok() && s.code() == StatusCode::kInvalidArgument) {
        skipped->push_back({origin, s.message()});
        return Status::Ok();
      }
      return s;
    }
    case ArticleFormat::kHtml:
    case ArticleFormat::kText: {
      auto a = format == ArticleFormat::kHtml ? ParseHtmlArticle(content, origin) : ParseTextArticle(content, origin);
      if (!a.ok()) {
        skipped->push_back({origin, a.status().message()});
        return Status::Ok();
      }
      return sink(std::move(*a));
    }
  }
  return Status::Ok();
}

}  // namespace faultline::extract
