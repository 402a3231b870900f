package dev.jobqueue.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobqueue.StoreException;
import dev.jobqueue.postgres.PgSchema;
import dev.jobqueue.postgres.PostgresJobStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MigrationsTest {
  @RegisterExtension static final PgSchema db = new PgSchema(6);

  @Test
  void fourInstancesStartingAtOnceMigrateExactlyOnce() throws Exception {
    int threads = 4;
    ExecutorService exec = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> applied = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      applied.add(
          exec.submit(
              () -> {
                start.await();
                try (Connection c = db.pool().getConnection()) {
                  return Migrations.migrate(c, db.schema(), "four_");
                }
              }));
    }
    start.countDown();
    int total = 0;
    for (Future<Integer> f : applied) {
      total += f.get(60, TimeUnit.SECONDS);
    }
    exec.shutdown();
    assertThat(total)
        .as("migrations applied over all threads")
        .isEqualTo(Migrations.latestVersion());
    try (Connection c = db.pool().getConnection();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*), max(version) FROM " + db.schema() + ".four_schema_version")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(Migrations.latestVersion());
      assertThat(rs.getInt(2)).isEqualTo(Migrations.latestVersion());
    }
  }

  @Test
  void aNewerSchemaIsRefusedAndLeftAlone() throws Exception {
    List<String> newer = new ArrayList<>(Migrations.FILES);
    newer.add("V" + (newer.size() + 1) + "__test_add_note.sql");
    try (Connection c = db.pool().getConnection()) {
      assertThat(Migrations.migrate(c, db.schema(), "newer_", Migrations.load(newer)))
          .isEqualTo(newer.size());
    }
    assertThatThrownBy(
            () ->
                PostgresJobStore.builder(db.pool())
                    .schema(db.schema())
                    .tablePrefix("newer_")
                    .build())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("schema version " + newer.size())
        .hasMessageContaining("knows versions up to " + Migrations.latestVersion())
        .hasMessageContaining("Upgrade jobqueue-postgres");
    try (Connection c = db.pool().getConnection();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT max(version) FROM " + db.schema() + ".newer_schema_version")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(newer.size());
    }
  }

  @Test
  void anExistingSchemaIsOpenedWithoutMigratingAgain() throws Exception {
    try (Connection c = db.pool().getConnection()) {
      assertThat(Migrations.migrate(c, db.schema(), "again_"))
          .isEqualTo(Migrations.latestVersion());
      assertThat(Migrations.migrate(c, db.schema(), "again_")).isZero();
    }
  }
}
