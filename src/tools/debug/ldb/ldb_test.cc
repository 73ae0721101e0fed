// `ozone debug ldb` on databases the test creates with the project's own schemas, run through
// the CLI in-process (exact output) and as the real binary next to a server holding the DB.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <sstream>

#include "om/metadata/om_db_definition.h"
#include "scm/metadata/scm_db_definition.h"
#include "storage/db_store.h"
#include "storage/table.h"
#include "tests/testutil/subprocess.h"
#include "tools/cli/cli_test_util.h"
#include "tools/cli/exit_codes.h"

namespace ozone::tools {
namespace {

using storage::DBStore;
using storage::Table;

hdds::ContainerInfoProto Container(int64_t id, hdds::LifeCycleState state, uint64_t used) {
  hdds::ContainerInfoProto c;
  c.set_containerid(id);
  c.set_state(state);
  c.set_usedbytes(used);
  c.set_numberofkeys(used / 100);
  c.set_owner("om1");
  c.set_replicationtype(hdds::RATIS);
  c.set_replicationfactor(hdds::THREE);
  return c;
}

om::VolumeInfo Volume(const std::string& name, const std::string& owner) {
  om::VolumeInfo v;
  v.set_adminname("hadoop");
  v.set_ownername(owner);
  v.set_volume(name);
  v.set_quotainbytes(-1);
  auto* acl = v.add_volumeacls();
  acl->set_type(om::OzoneAclInfo::USER);
  acl->set_name(owner);
  acl->set_rights(std::string("\x80", 1));
  acl->set_aclscope(om::OzoneAclInfo::ACCESS);
  v.set_creationtime(1700000000000);
  return v;
}

class LdbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scm_db_ = tmp_.Sub("metadata/scm.db");
    auto store = *DBStore::Open(scm_db_, scm::ScmDbDefinition());
    auto containers =
        *Table<scm::ContainerIdCodec, storage::ProtoCodec<hdds::ContainerInfoProto>>::Open(
            *store, scm::kContainers);
    storage::WriteBatch batch;
    containers.PutInBatch(batch, 1, Container(1, hdds::OPEN, 100));
    containers.PutInBatch(batch, 2, Container(2, hdds::CLOSED, 5000));
    containers.PutInBatch(batch, 10, Container(10, hdds::CLOSED, 20000));
    ASSERT_TRUE(store->Commit(batch).ok());

    om_db_ = tmp_.Sub("metadata/om.db");
    auto om_store = *DBStore::Open(om_db_, om::OmDbDefinition());
    auto volumes = *Table<storage::StringCodec, storage::ProtoCodec<om::VolumeInfo>>::Open(
        *om_store, om::kVolumeTable);
    storage::WriteBatch vb;
    volumes.PutInBatch(vb, "/vol1", Volume("vol1", "alice"));
    volumes.PutInBatch(vb, "/vol2", Volume("vol2", "bob"));
    ASSERT_TRUE(om_store->Commit(vb).ok());
  }

  CliRun Ozone(const std::vector<std::string>& args) { return RunCli(args, tmp_.path()); }

  testutil::TempDir tmp_;
  std::string scm_db_, om_db_;
};

TEST_F(LdbTest, ListsColumnFamilies) {
  CliRun r = Ozone({"debug", "ldb", "--db=" + scm_db_ + "/", "ls"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out,
            "default\ncontainers\npipelines\ndeletedBlocks\nsequenceId\nscmTransactionInfos\n"
            "statefulServiceConfig\nmeta\n");
  EXPECT_EQ(Ozone({"debug", "ldb", "--db", scm_db_, "list_column_families"}).out, r.out);
}

TEST_F(LdbTest, ScansWithKeysAsJsonObject) {
  CliRun r = Ozone({"debug", "ldb", "--db=" + scm_db_, "scan", "--with-keys",
                    "--column_family=containers", "--limit=2"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out,
            "{ \"1\": {\n"
            "  \"containerID\" : 1,\n"
            "  \"state\" : \"OPEN\",\n"
            "  \"usedBytes\" : 100,\n"
            "  \"numberOfKeys\" : 1,\n"
            "  \"owner\" : \"om1\",\n"
            "  \"replicationFactor\" : \"THREE\",\n"
            "  \"replicationType\" : \"RATIS\"\n"
            "}, \"2\": {\n"
            "  \"containerID\" : 2,\n"
            "  \"state\" : \"CLOSED\",\n"
            "  \"usedBytes\" : 5000,\n"
            "  \"numberOfKeys\" : 50,\n"
            "  \"owner\" : \"om1\",\n"
            "  \"replicationFactor\" : \"THREE\",\n"
            "  \"replicationType\" : \"RATIS\"\n"
            "} }\n");
  // The output is valid JSON.
  auto parsed = json::Json::parse(r.out);
  EXPECT_EQ(parsed["2"]["usedBytes"], 5000);
}

TEST_F(LdbTest, ScansValuesOnlyAsJsonArray) {
  CliRun r = Ozone({"debug", "ldb", "--db", scm_db_, "scan", "--cf", "containers",
                    "--with-keys=false", "--compact", "--fields=containerID,state"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out,
            "[ {\"containerID\":1,\"state\":\"OPEN\"}, {\"containerID\":2,\"state\":\"CLOSED\"}, "
            "{\"containerID\":10,\"state\":\"CLOSED\"} ]\n");
}

TEST_F(LdbTest, HonoursRangeFilterAndCount) {
  auto ids = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {
        "debug", "ldb", "--db", scm_db_, "scan", "--column-family=containers", "--compact"};
    args.insert(args.end(), extra.begin(), extra.end());
    CliRun r = Ozone(args);
    EXPECT_EQ(r.code, kExitOk) << r.err;
    std::vector<std::string> keys;
    json::Json parsed = json::Json::parse(r.out);
    for (auto it = parsed.begin(); it != parsed.end(); ++it) keys.push_back(it.key());
    return keys;
  };
  // Container ids sort numerically (2 before 10).
  EXPECT_EQ(ids({}), (std::vector<std::string>{"1", "2", "10"}));
  EXPECT_EQ(ids({"--startkey=2"}), (std::vector<std::string>{"2", "10"}));
  EXPECT_EQ(ids({"-s", "2", "-e", "2"}), (std::vector<std::string>{"2"}));
  EXPECT_EQ(ids({"--endkey=9"}), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(ids({"--filter=state:equals:CLOSED"}), (std::vector<std::string>{"2", "10"}));
  EXPECT_EQ(ids({"--filter=usedBytes:greater:1000,usedBytes:lesser:10000"}),
            (std::vector<std::string>{"2"}));
  EXPECT_EQ(Ozone({"debug", "ldb", "--db", scm_db_, "scan", "--cf=containers", "--count"}).out,
            "3\n");
  EXPECT_EQ(Ozone({"debug", "ldb", "--db", scm_db_, "scan", "--cf=containers", "--count",
                   "--filter=state:equals:OPEN"})
                .out,
            "1\n");
}

TEST_F(LdbTest, DecodesOmTablesWithNestedFilters) {
  CliRun r = Ozone({"debug", "ldb", "--db", om_db_, "scan", "--cf=volumeTable",
                    "--filter=volumeAcls.name:equals:bob", "--fields=volume,ownerName"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out,
            "{ \"/vol2\": {\n"
            "  \"ownerName\" : \"bob\",\n"
            "  \"volume\" : \"vol2\"\n"
            "} }\n");
  CliRun all = Ozone({"debug", "ldb", "--db", om_db_, "scan", "--cf=volumeTable", "-l", "1"});
  auto parsed = json::Json::parse(all.out);
  EXPECT_EQ(parsed["/vol1"]["volumeAcls"][0]["type"], "USER");
  EXPECT_EQ(parsed["/vol1"]["creationTime"], 1700000000000);
}

TEST_F(LdbTest, ErrorsAreOneLineAndExit255) {
  CliRun bad_cf = Ozone({"debug", "ldb", "--db", scm_db_, "scan", "--cf=nope"});
  EXPECT_EQ(bad_cf.code, kExitError);
  EXPECT_EQ(bad_cf.err, "Error: Table with name 'nope' not found\n");

  CliRun bad_field = Ozone(
      {"debug", "ldb", "--db", scm_db_, "scan", "--cf=containers", "--filter=nosuch:equals:1"});
  EXPECT_EQ(bad_field.code, kExitError);
  EXPECT_NE(bad_field.err.find("nosuch"), std::string::npos);

  CliRun bad_limit = Ozone({"debug", "ldb", "--db", scm_db_, "scan", "--cf=containers", "-l", "0"});
  EXPECT_EQ(bad_limit.code, kExitError);

  CliRun no_db = Ozone({"debug", "ldb", "--db", tmp_.Sub("nothing.db"), "ls"});
  EXPECT_EQ(no_db.code, kExitError);
  EXPECT_NE(no_db.err.find("does not exist"), std::string::npos);
}

TEST_F(LdbTest, UnknownDatabasesAreShownRaw) {
  std::string path = tmp_.Sub("other.db");
  {
    auto store = *DBStore::Open(path, storage::DBDefinition("other", {{"t", nullptr, nullptr}}));
    ASSERT_TRUE((*store->Table("t"))->Put("text", "hello").ok());
    ASSERT_TRUE((*store->Table("t"))->Put("bin", std::string("\x01\xff", 2)).ok());
  }
  CliRun r = Ozone({"debug", "ldb", "--db", path, "scan", "--cf=t", "--compact"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "{ \"bin\": \"0x01ff\", \"text\": \"hello\" }\n");
}

TEST_F(LdbTest, CheckpointCopiesTheData) {
  std::string out_dir = tmp_.Sub("cp");
  CliRun r = Ozone({"debug", "ldb", "--db", scm_db_, "checkpoint", "--output=" + out_dir});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "Created checkpoint at " + out_dir + "\n");
  // The copy is named like any directory; scan it through a scm.db-named link.
  std::filesystem::create_directory_symlink(out_dir, tmp_.Sub("cp-scm.db"));
  CliRun scan =
      Ozone({"debug", "ldb", "--db", tmp_.Sub("cp-scm.db"), "scan", "--cf=containers", "--count"});
  EXPECT_EQ(scan.out, "3\n");
  EXPECT_EQ(Ozone({"debug", "ldb", "--db", scm_db_, "checkpoint", "--output=" + out_dir}).code,
            kExitError);  // exists
}

TEST_F(LdbTest, TheBinaryReadsADbThatAServerHoldsOpen) {
  // Another process holds scm.db open read-write (as a running SCM would).
  auto holder = testutil::Subprocess::Start(
      {testutil::TestBinaryDir() + "/../storage/db_test_helper", "hold", scm_db_});
  ASSERT_TRUE(holder.ok()) << holder.status();
  ASSERT_TRUE(holder->WaitForLine("ready", std::chrono::seconds(20)));

  std::string ozone = testutil::TestBinaryDir() + "/ozone";
  auto ls = testutil::Subprocess::Start({ozone, "debug", "ldb", "--db=" + scm_db_, "ls"});
  ASSERT_TRUE(ls.ok());
  EXPECT_EQ(ls->ReadLine(std::chrono::seconds(20)), "default");
  EXPECT_EQ(ls->ReadLine(std::chrono::seconds(20)), "containers");
  auto status = ls->Wait(std::chrono::seconds(20));
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);

  auto count = testutil::Subprocess::Start(
      {ozone, "debug", "ldb", "--db=" + scm_db_, "scan", "--column_family=containers", "--count"});
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->ReadLine(std::chrono::seconds(20)), "3");
}

}  // namespace
}  // namespace ozone::tools
