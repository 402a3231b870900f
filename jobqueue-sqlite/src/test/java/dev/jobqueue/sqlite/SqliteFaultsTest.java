package dev.jobqueue.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobqueue.Job;
import dev.jobqueue.JobQuery;
import dev.jobqueue.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way opening or writing can fail gives a StoreException naming the file and what to do. */
class SqliteFaultsTest {
  @TempDir Path dir;

  @Test
  void aMissingDirectoryIsAnErrorAndIsNotCreated() {
    Path file = dir.resolve("missing/sub/jobs.db");
    assertThatThrownBy(() -> SqliteJobStore.open(file))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("does not exist")
        .hasMessageContaining("createDirectories(true)");
    assertThat(dir.resolve("missing")).doesNotExist();
  }

  @Test
  void createDirectoriesMakesTheMissingDirectory() {
    Path file = dir.resolve("missing/sub/jobs.db");
    try (SqliteJobStore store = SqliteJobStore.builder(file).createDirectories(true).build()) {
      store.insert(TestJobs.job("t").build());
    }
    assertThat(file).exists();
  }

  @Test
  void aParentThatIsAFileIsAnError() throws IOException {
    Path notDir = Files.writeString(dir.resolve("plain.txt"), "x");
    assertThatThrownBy(() -> SqliteJobStore.open(notDir.resolve("jobs.db")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("is not a directory");
  }

  @Test
  void aReadOnlyDirectoryIsAnErrorNamingIt() throws Exception {
    Path ro = Files.createDirectory(dir.resolve("ro"));
    boolean immutable = makeReadOnly(ro);
    try {
      Path file = ro.resolve("jobs.db");
      assertThatThrownBy(() -> SqliteJobStore.open(file))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("not writable")
          .hasMessageContaining("choose another one");
      assertThat(file).doesNotExist();
    } finally {
      if (immutable) {
        new ProcessBuilder("chattr", "-i", ro.toString()).start().waitFor();
      }
      Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  /**
   * chmod 555; root ignores that, so then also chattr +i (which binds root too). Returns whether
   * chattr was used. Aborts (skips) only when neither works on this machine.
   */
  private static boolean makeReadOnly(Path d) throws Exception {
    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("r-xr-xr-x"));
    if (!canCreateIn(d)) {
      return false;
    }
    int rc = -1;
    try {
      rc =
          new ProcessBuilder("chattr", "+i", d.toString())
              .redirectErrorStream(true)
              .start()
              .waitFor();
    } catch (IOException e) {
      // no chattr here
    }
    Assumptions.assumeTrue(
        rc == 0 && !canCreateIn(d),
        "cannot make a directory read-only here (running as root without chattr)");
    return true;
  }

  private static boolean canCreateIn(Path d) {
    try {
      Files.delete(Files.createFile(d.resolve("probe")));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void aFileThatIsNotADatabaseIsRefusedAndLeftAlone() throws IOException {
    Path file = dir.resolve("notes.db");
    String text = "these are my notes, not a database\n".repeat(200);
    Files.writeString(file, text);
    assertThatThrownBy(() -> SqliteJobStore.open(file))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("not a SQLite database")
        .hasMessageContaining("was not changed");
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(text);
    assertThat(dir.resolve("notes.db-wal")).doesNotExist();
  }

  @Test
  void aDatabaseLockedByAnotherConnectionFailsAfterTheBusyTimeout() throws Exception {
    Path file = dir.resolve("jobs.db");
    SqliteJobStore.open(file).close();
    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = other.createStatement()) {
      st.execute("BEGIN EXCLUSIVE");
      long start = System.nanoTime();
      assertThatThrownBy(
              () -> SqliteJobStore.builder(file).busyTimeout(Duration.ofMillis(300)).build())
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("locked by another process")
          .hasMessageContaining("300 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofMillis(300));
      st.execute("ROLLBACK");
    }
    // the failed open released everything: the file opens now
    try (SqliteJobStore store = SqliteJobStore.open(file)) {
      store.insert(TestJobs.job("t").build());
    }
  }

  @Test
  void aLockTakenWhileOpenFailsOnlyTheChangesThatWaitedAndWritesNothingHalf() throws Exception {
    Path file = dir.resolve("jobs.db");
    try (SqliteJobStore store =
        SqliteJobStore.builder(file).busyTimeout(Duration.ofMillis(200)).build()) {
      Job before = TestJobs.job("t").build();
      store.insert(before);
      Job blocked = TestJobs.job("t").build();
      try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
          Statement st = other.createStatement()) {
        st.execute("BEGIN EXCLUSIVE");
        assertThatThrownBy(() -> store.insert(blocked))
            .isInstanceOf(StoreException.class)
            .hasMessageContaining(file.toString())
            .hasMessageContaining("locked by another process");
        st.execute("ROLLBACK");
      }
      assertThat(store.get(blocked.id())).isEmpty();
      // the writer survived the failure and goes on
      Job after = TestJobs.job("t").build();
      store.insert(after);
      assertThat(store.query(JobQuery.all()))
          .extracting(Job::id)
          .containsExactly(after.id(), before.id());
    }
  }

  @Test
  void aBatchBlockedByALockFailsOnceNotOncePerChange() throws Exception {
    Path file = dir.resolve("jobs.db");
    try (SqliteJobStore store =
        SqliteJobStore.builder(file).busyTimeout(Duration.ofMillis(200)).build()) {
      java.util.List<Job> jobs = new java.util.ArrayList<>();
      for (int i = 0; i < 50; i++) {
        Job j = TestJobs.job("t").build();
        store.insert(j);
        jobs.add(j);
      }
      try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
          Statement st = other.createStatement()) {
        st.execute("BEGIN EXCLUSIVE");
        long start = System.nanoTime();
        java.util.List<java.util.concurrent.CompletableFuture<Boolean>> fs =
            new java.util.ArrayList<>();
        for (Job j : jobs) {
          fs.add(store.updateAsync(TestJobs.next(j, dev.jobqueue.JobStatus.CANCELLED), 1));
        }
        for (java.util.concurrent.CompletableFuture<Boolean> f : fs) {
          assertThatThrownBy(() -> f.get(30, java.util.concurrent.TimeUnit.SECONDS))
              .hasCauseInstanceOf(StoreException.class);
        }
        // one busy timeout per batch; 50 one-by-one retries would take at least 10 s
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        st.execute("ROLLBACK");
      }
      assertThat(
              store.query(
                  JobQuery.builder().status(dev.jobqueue.JobStatus.QUEUED).limit(100).build()))
          .as("nothing half-written")
          .hasSize(50);
    }
  }

  @Test
  void aSecondStoreOnTheSameFileIsRefused() {
    Path file = dir.resolve("jobs.db");
    try (SqliteJobStore first = SqliteJobStore.open(file)) {
      assertThatThrownBy(() -> SqliteJobStore.open(file))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("already open in another job store");
      first.insert(TestJobs.job("t").build());
    }
    try (SqliteJobStore again = SqliteJobStore.open(file)) {
      assertThat(again.query(JobQuery.all())).hasSize(1);
    }
  }

  @Test
  void aDirectoryInPlaceOfTheFileIsAnError() throws IOException {
    Path file = Files.createDirectory(dir.resolve("jobs.db"));
    assertThatThrownBy(() -> SqliteJobStore.open(file))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("is a directory");
  }

  @Test
  void badOptionsAreRefusedWhenSet() {
    SqliteJobStore.Builder b = SqliteJobStore.builder(dir.resolve("x.db"));
    assertThatThrownBy(() -> b.readConnections(0)).hasMessageContaining("readConnections");
    assertThatThrownBy(() -> b.progressFlushInterval(Duration.ofMillis(1)))
        .hasMessageContaining("progressFlushInterval");
    assertThatThrownBy(() -> b.busyTimeout(Duration.ofSeconds(-1)))
        .hasMessageContaining("busyTimeout");
    assertThatThrownBy(() -> b.maxBatch(0)).hasMessageContaining("maxBatch");
  }
}
