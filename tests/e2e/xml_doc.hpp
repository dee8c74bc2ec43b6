// SPDX-License-Identifier: Apache-2.0
// xml_doc.hpp: JUnit reports read back with libxml2, as CI servers read them,
// and validated against Jenkins's schema (tests/data/junit-10.xsd).
//
//   const xml_doc doc(read_file(file));          // REQUIREs well-formed XML 1.0
//   CHECK(doc.schema_errors(junit_schema()).empty());
//   const xml_node root = doc.root();
//   CHECK(root.name() == "testsuites");
//   CHECK(root.attr("tests") == "3");
//   for (const xml_node& tc : root.descendants("testcase")) ...
//
// Parsing is strict (no recovery, no network): a character XML 1.0 forbids, a
// byte that is not UTF-8 or a stray '&' fails the test with libxml2's message.
#pragma once

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace crashpoint::test {

inline std::filesystem::path junit_schema() {
  return std::filesystem::path(CRASHPOINT_TEST_SOURCE_DIR) / "tests/data/junit-10.xsd";
}

// One element of a parsed document; valid while its xml_doc lives.
class xml_node {
 public:
  explicit xml_node(xmlNode* node) : node_(node) {}

  std::string name() const { return reinterpret_cast<const char*>(node_->name); }
  bool has(const std::string& key) const {
    return xmlHasProp(node_, reinterpret_cast<const xmlChar*>(key.c_str())) != nullptr;
  }
  // The attribute's decoded value; a missing one fails the test.
  std::string attr(const std::string& key) const {
    xmlChar* value = xmlGetProp(node_, reinterpret_cast<const xmlChar*>(key.c_str()));
    if (value == nullptr) throw std::runtime_error("<" + name() + "> has no attribute " + key);
    std::string out = reinterpret_cast<const char*>(value);
    xmlFree(value);
    return out;
  }
  // The decoded text inside, of every descendant text node.
  std::string text() const {
    xmlChar* content = xmlNodeGetContent(node_);
    std::string out = content == nullptr ? "" : reinterpret_cast<const char*>(content);
    xmlFree(content);
    return out;
  }
  std::vector<xml_node> children() const {
    std::vector<xml_node> out;
    for (xmlNode* c = node_->children; c != nullptr; c = c->next) {
      if (c->type == XML_ELEMENT_NODE) out.emplace_back(c);
    }
    return out;
  }
  // Every element named `n` below this one, in document order.
  std::vector<xml_node> descendants(const std::string& n) const {
    std::vector<xml_node> out;
    for (const xml_node& c : children()) {
      if (c.name() == n) out.push_back(c);
      for (const xml_node& d : c.descendants(n)) out.push_back(d);
    }
    return out;
  }

 private:
  xmlNode* node_;
};

class xml_doc {
 public:
  explicit xml_doc(const std::string& text)
      : doc_(
            xmlReadMemory(text.data(), static_cast<int>(text.size()), "report.xml", nullptr, XML_PARSE_NONET),
            xmlFreeDoc) {
    INFO("libxml2: " << last_error());
    REQUIRE(doc_ != nullptr);
  }

  xml_node root() const { return xml_node(xmlDocGetRootElement(doc_.get())); }

  // libxml2's messages for what does not conform to the XSD at `schema`, one
  // per line; empty when the document is valid.
  std::string schema_errors(const std::filesystem::path& schema) const {
    std::string errors;
    const std::unique_ptr<xmlSchemaParserCtxt, void (*)(xmlSchemaParserCtxtPtr)> parser(
        xmlSchemaNewParserCtxt(schema.c_str()), xmlSchemaFreeParserCtxt);
    const std::unique_ptr<xmlSchema, void (*)(xmlSchemaPtr)> xsd(xmlSchemaParse(parser.get()), xmlSchemaFree);
    if (xsd == nullptr) return "cannot read the schema " + schema.string();
    const std::unique_ptr<xmlSchemaValidCtxt, void (*)(xmlSchemaValidCtxtPtr)> check(
        xmlSchemaNewValidCtxt(xsd.get()), xmlSchemaFreeValidCtxt);
    xmlSchemaSetValidStructuredErrors(check.get(), collect, &errors);
    if (xmlSchemaValidateDoc(check.get(), doc_.get()) != 0 && errors.empty()) errors = "invalid\n";
    return errors;
  }

 private:
  static void collect(void* errors, xmlErrorPtr e) {
    *static_cast<std::string*>(errors) += "line " + std::to_string(e->line) + ": " + e->message;
  }
  static std::string last_error() {
    const xmlError* e = xmlGetLastError();
    return e == nullptr || e->message == nullptr ? "" : e->message;
  }

  std::unique_ptr<xmlDoc, void (*)(xmlDocPtr)> doc_;
};

}  // namespace crashpoint::test
