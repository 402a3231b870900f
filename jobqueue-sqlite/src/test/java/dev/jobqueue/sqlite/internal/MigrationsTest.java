package dev.jobqueue.sqlite.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobqueue.StoreException;
import dev.jobqueue.sqlite.SqliteJobStore;
import dev.jobqueue.sqlite.TestJobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationsTest {
  @TempDir Path dir;

  private Connection connect(Path file) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file);
  }

  private static List<Integer> versions(Connection c) throws SQLException {
    List<Integer> out = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT version FROM jobqueue_schema ORDER BY version")) {
      while (rs.next()) {
        out.add(rs.getInt(1));
      }
    }
    return out;
  }

  @Test
  void aNewFileGetsTheLatestSchemaOnceAndKeepsItOnReopen() throws Exception {
    Path file = dir.resolve("jobs.db");
    try (SqliteJobStore store = SqliteJobStore.open(file)) {
      store.insert(TestJobs.job("t").build());
    }
    try (SqliteJobStore store = SqliteJobStore.open(file)) {
      assertThat(store.query(dev.jobqueue.JobQuery.all())).hasSize(1);
    }
    try (Connection c = connect(file)) {
      assertThat(versions(c)).containsExactly(1, 2, 3, 4, 5, 6);
      assertThat(Migrations.latestVersion()).isEqualTo(Migrations.FILES.size());
    }
  }

  @Test
  void anOlderFileIsMigratedForwardKeepingItsJobs() throws Exception {
    Path file = dir.resolve("old.db");
    Faults faults = new Faults(file.toString(), Duration.ofSeconds(1));
    try (Connection c = connect(file)) {
      // a file as the first release left it: schema V1 only, with a job in it
      Migrations.migrate(c, faults, Migrations.load(List.of("V1__create_jobs.sql")));
      try (Statement st = c.createStatement()) {
        st.execute(
            "INSERT INTO jobs (id, type, status, created_at, updated_at, progress, title,"
                + " title_lower, child_job_ids, cancelable, priority, attempt, max_attempts, depends_on,"
                + " optional, warnings, input, version, cancel_requested, tracked, awaiting_children)"
                + " VALUES ('old-1', 't', 'queued', 1, 1, 0, 'Old', 'old', '[]', 1, 0, 1, 1, '[]', 0,"
                + " '[]', '{}', 1, 0, 0, 0)");
      }
    }
    try (Connection c = connect(file)) {
      // later releases ship V2 and V3; opening applies only what is missing
      int v =
          Migrations.migrate(
              c,
              faults,
              Migrations.load(
                  List.of(
                      "V1__create_jobs.sql", "V2__drop_lease_index.sql", "V3__test_add_note.sql")));
      assertThat(v).isEqualTo(3);
      assertThat(versions(c)).containsExactly(1, 2, 3);
      try (Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'jobs_lease'")) {
        rs.next();
        assertThat(rs.getInt(1)).as("V2 dropped the lease index").isZero();
      }
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT id, note FROM jobs")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("old-1");
        assertThat(rs.getString(2)).isNull();
      }
    }
  }

  @Test
  void aFailingMigrationLeavesTheFileAsItWas() throws Exception {
    Path file = dir.resolve("jobs.db");
    Faults faults = new Faults(file.toString(), Duration.ofSeconds(1));
    try (Connection c = connect(file)) {
      Migrations.migrate(c, faults, Migrations.load(List.of("V1__create_jobs.sql")));
      Migrations.Migration broken =
          new Migrations.Migration(
              2, "broken", "ALTER TABLE jobs ADD COLUMN note TEXT;\nTHIS IS NOT SQL;");
      List<Migrations.Migration> next =
          new ArrayList<>(Migrations.load(List.of("V1__create_jobs.sql")));
      next.add(broken);
      assertThatThrownBy(() -> Migrations.migrate(c, faults, next))
          .isInstanceOf(SQLException.class);
      assertThat(versions(c)).containsExactly(1);
      try (Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT count(*) FROM pragma_table_info('jobs') WHERE name = 'note'")) {
        rs.next();
        assertThat(rs.getInt(1)).as("the half of V2 that ran is rolled back").isZero();
      }
    }
  }

  @Test
  void aFileFromANewerVersionIsRefusedAndNotChanged() throws Exception {
    Path file = dir.resolve("jobs.db");
    try (SqliteJobStore store = SqliteJobStore.open(file)) {
      store.insert(TestJobs.job("t").build());
    }
    try (Connection c = connect(file);
        Statement st = c.createStatement()) {
      st.execute(
          "INSERT INTO jobqueue_schema VALUES (99, 'from the future', '2030-01-01T00:00:00Z')");
    }
    byte[] before = Files.readAllBytes(file);
    assertThatThrownBy(() -> SqliteJobStore.open(file))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("schema version 99")
        .hasMessageContaining("Upgrade jobqueue-sqlite");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  @Test
  void aDatabaseOfAnotherApplicationIsRefused() throws Exception {
    Path file = dir.resolve("other.db");
    try (Connection c = connect(file);
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE jobs (name TEXT)");
    }
    assertThatThrownBy(() -> SqliteJobStore.open(file))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("not made by jobqueue");
  }

  @Test
  void statementsAreSplitKeepingTriggerBodiesWhole() {
    List<String> s =
        Migrations.statements(
            """
        -- comment
        CREATE TABLE a (x INTEGER);
        CREATE TRIGGER t AFTER INSERT ON a BEGIN
          INSERT INTO b VALUES (1);
          DELETE FROM b;
        END;
        CREATE INDEX i ON a (x);
        """);
    assertThat(s).hasSize(3);
    assertThat(s.get(1)).startsWith("CREATE TRIGGER").endsWith("END;").contains("DELETE FROM b;");
  }
}
