#include "tools/debug/ldb/ldb_command.h"

#include <CLI/CLI.hpp>

#include "tools/debug/ldb/db_scanner.h"

namespace ozone::tools {

void RegisterLdbCommand(CLI::App& debug, ActionSlot& slot) {
  CLI::App* ldb = debug.add_subcommand("ldb", "Parse rocksdb file content");
  ldb->require_subcommand(1);
  auto db = std::make_shared<std::string>();
  ldb->add_option("--db", *db, "Database File Path")->required();

  CLI::App* ls = ldb->add_subcommand("list_column_families", "list all column families in db.");
  ls->alias("ls");
  OnInvoke(ls, &slot,
           [db](CommandContext& ctx) { return ldb::ListColumnFamilies(*db, ctx.out()); });

  auto scan_options = std::make_shared<ldb::ScanOptions>();
  auto& o = *scan_options;
  CLI::App* scan = ldb->add_subcommand("scan", "Parse specified metadataTable");
  scan->add_option("--column_family,--column-family,--cf", o.column_family, "Table name")
      ->required();
  scan->add_flag("--with-keys", o.with_keys,
                 "Print a JSON object of key->value pairs (default) instead of a JSON array of "
                 "only values.");
  scan->add_option("-l,--limit,--length", o.limit, "Maximum number of items to list.");
  scan->add_option("-s,--startkey,--sk", o.start_key, "Key from which to iterate the DB");
  scan->add_option("-e,--endkey,--ek", o.end_key, "Key at which iteration of the DB ends");
  scan->add_option("--fields", o.fields,
                   "Comma-separated list of fields needed for each value. eg.) \"name,acls.type\"");
  scan->add_option("--filter", o.filter,
                   "Comma-separated list of \"<field>:<operator>:<value>\", <operator> one of "
                   "[EQUALS,LESSER,GREATER,REGEX]. eg.) \"dataSize:equals:1000\"");
  scan->add_flag("--count,--show-count", o.count, "Print the number of matching records");
  scan->add_flag("--compact", o.compact, "disable the pretty print the output");
  scan->add_option("-o,--out", o.out_file, "File to dump table scan data");
  OnInvoke(scan, &slot, [db, scan_options](CommandContext& ctx) {
    scan_options->db_path = *db;
    return ldb::Scan(*scan_options, ctx.out());
  });

  auto output = std::make_shared<std::string>();
  CLI::App* checkpoint = ldb->add_subcommand("checkpoint", "Create checkpoint for specified db");
  checkpoint->add_option("--output", *output, "Directory path to store checkpoint")->required();
  OnInvoke(checkpoint, &slot,
           [db, output](CommandContext& ctx) { return ldb::Checkpoint(*db, *output, ctx.out()); });
}

}  // namespace ozone::tools
