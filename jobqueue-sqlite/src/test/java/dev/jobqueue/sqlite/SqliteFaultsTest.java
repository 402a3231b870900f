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

  // ------------------------------------------------------------ faults while the store is open

  private static final String BIG = "x".repeat(20_000);

  private static Job bigJob() {
    return TestJobs.job("t").input(java.util.Map.of("payload", BIG)).build();
  }

  /** Every job is exactly as expected: no row half-written, nothing durable lost. */
  private static void assertStored(SqliteJobStore store, java.util.Collection<Job> expected) {
    for (Job j : expected) {
      assertThat(store.get(j.id())).as("job %s", j.id()).contains(j);
    }
  }

  @Test
  void diskFullFailsEachAffectedChangeSaysSoWritesNothingHalfAndRecoversWhenThereIsRoom()
      throws Exception {
    Path file = dir.resolve("jobs.db");
    FaultyDataSource ds = new FaultyDataSource(file);
    java.util.Map<String, Job> durable = new java.util.LinkedHashMap<>();
    try (SqliteJobStore store = SqliteJobStore.builder(ds).build()) {
      for (int i = 0; i < 20; i++) {
        Job j = TestJobs.job("t").build();
        store.insert(j);
        durable.put(j.id(), j);
      }
      ds.fillUp();

      Job big = bigJob();
      assertThatThrownBy(() -> store.insert(big))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("disk full")
          .hasMessageContaining("nothing of the failed change was written");
      java.util.List<Job> all = new java.util.ArrayList<>();
      for (int i = 0; i < 30; i++) {
        all.add(bigJob());
      }
      assertThatThrownBy(() -> store.insertAll(all))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("disk full");

      // a group of updates, each needing new pages: each fails alone, none is written half
      java.util.List<java.util.concurrent.CompletableFuture<Boolean>> fs =
          new java.util.ArrayList<>();
      java.util.List<Job> nexts = new java.util.ArrayList<>();
      for (Job j : durable.values()) {
        Job next =
            TestJobs.next(j, dev.jobqueue.JobStatus.COMPLETED).toBuilder()
                .result(java.util.Map.of("out", BIG))
                .build();
        nexts.add(next);
        fs.add(store.updateAsync(next, j.version()));
      }
      for (java.util.concurrent.CompletableFuture<Boolean> f : fs) {
        assertThatThrownBy(() -> f.get(30, java.util.concurrent.TimeUnit.SECONDS))
            .hasCauseInstanceOf(StoreException.class)
            .hasMessageContaining("disk full");
      }

      // reads go on, and show exactly what was durable before
      assertThat(store.get(big.id())).isEmpty();
      assertThat(store.query(JobQuery.builder().limit(1000).build())).hasSize(20);
      assertStored(store, durable.values());

      // the cause goes away: the next writes succeed without reopening
      ds.makeRoom();
      store.insert(big);
      store.insertAll(all);
      for (int i = 0; i < nexts.size(); i++) {
        assertThat(store.update(nexts.get(i), nexts.get(i).version() - 1)).isTrue();
      }
      durable.put(big.id(), big);
      all.forEach(j -> durable.put(j.id(), j));
      nexts.forEach(j -> durable.put(j.id(), j));
      assertStored(store, durable.values());
    }
    try (SqliteJobStore store = SqliteJobStore.open(file)) {
      assertStored(store, durable.values());
      assertThat(store.query(JobQuery.builder().limit(1000).build())).hasSize(durable.size());
    }
  }

  @Test
  void diskFullInTheMiddleOfAGroupCommitFailsOnlyTheChangesThatDidNotFit() throws Exception {
    Path file = dir.resolve("jobs.db");
    FaultyDataSource ds = new FaultyDataSource(file);
    java.util.List<Job> jobs = new java.util.ArrayList<>();
    try (SqliteJobStore store = SqliteJobStore.builder(ds).build()) {
      for (int i = 0; i < 40; i++) {
        Job j = TestJobs.job("t").build();
        store.insert(j);
        jobs.add(j);
      }
      // room for a few of the 40 updates below, not for all: some certainly fit, some certainly not
      ds.fillUpLeaving(30); // each update needs about 5 pages (20 kB on 4 kB pages)

      Job[] nexts = new Job[jobs.size()];
      java.util.List<java.util.concurrent.CompletableFuture<Boolean>> fs =
          new java.util.ArrayList<>();
      Job first = jobs.get(0);
      nexts[0] =
          TestJobs.next(first, dev.jobqueue.JobStatus.COMPLETED).toBuilder()
              .result(java.util.Map.of("out", BIG))
              .build();
      // hold the writer inside the first update, so that the other 39 certainly form one batch
      ds.holdNextWrite(() -> fs.add(store.updateAsync(nexts[0], first.version())));
      for (int i = 1; i < jobs.size(); i++) {
        Job j = jobs.get(i);
        nexts[i] =
            TestJobs.next(j, dev.jobqueue.JobStatus.COMPLETED).toBuilder()
                .result(java.util.Map.of("out", BIG))
                .build();
        fs.add(store.updateAsync(nexts[i], j.version()));
      }
      ds.openGate();
      int ok = 0;
      int full = 0;
      for (int i = 0; i < fs.size(); i++) {
        try {
          assertThat(fs.get(i).get(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
          assertThat(store.get(jobs.get(i).id())).contains(nexts[i]);
          ok++;
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(StoreException.class);
          assertThat(e.getCause().getMessage()).contains("disk full");
          assertThat(store.get(jobs.get(i).id())).as("unchanged").contains(jobs.get(i));
          full++;
        }
      }
      assertThat(ok).as("updates that fit").isPositive();
      assertThat(full).as("updates that did not fit").isPositive();
      ds.makeRoom();
      for (int i = 0; i < jobs.size(); i++) {
        store.update(nexts[i], jobs.get(i).version()); // those already done answer false
        assertThat(store.get(jobs.get(i).id())).contains(nexts[i]);
      }
    }
  }

  @Test
  void aFileMadeReadOnlyWhileOpenFailsWritesAsReadOnlyKeepsReadsAndRecovers() throws Exception {
    Path file = dir.resolve("jobs.db");
    try (SqliteJobStore store = SqliteJobStore.open(file)) {
      Job before = TestJobs.job("t").build();
      store.insert(before);
      Path wal = dir.resolve("jobs.db-wal");
      boolean immutable = immutable(file, wal);
      try {
        Job blocked = TestJobs.job("t").build();
        assertThatThrownBy(() -> store.insert(blocked))
            .isInstanceOf(StoreException.class)
            .hasMessageContaining(file.toString())
            .hasMessageContaining("read-only")
            .hasMessageContaining("nothing of the failed change was written");
        assertThatThrownBy(
                () -> store.update(TestJobs.next(before, dev.jobqueue.JobStatus.CANCELLED), 1))
            .isInstanceOf(StoreException.class)
            .hasMessageContaining("read-only");
        assertThat(store.get(before.id())).contains(before);
        assertThat(store.get(blocked.id())).isEmpty();
      } finally {
        if (immutable) {
          chattr("-i", file, wal);
        }
      }
      Job after = TestJobs.job("t").build();
      store.insert(after);
      assertThat(store.query(JobQuery.all()))
          .extracting(Job::id)
          .containsExactly(after.id(), before.id());
    }
    try (SqliteJobStore store = SqliteJobStore.open(file)) {
      assertThat(store.query(JobQuery.all())).hasSize(2);
    }
  }

  @Test
  void aReadOnlyDatabaseFileIsRefusedAtOpenAsReadOnly() throws Exception {
    Path file = dir.resolve("jobs.db");
    try (SqliteJobStore store = SqliteJobStore.open(file)) {
      store.insert(TestJobs.job("t").build());
    }
    boolean immutable = immutable(file);
    try {
      assertThatThrownBy(() -> SqliteJobStore.open(file))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("read-only");
    } finally {
      if (immutable) {
        chattr("-i", file);
      }
    }
    try (SqliteJobStore store = SqliteJobStore.open(file)) {
      assertThat(store.query(JobQuery.all())).hasSize(1);
    }
  }

  /** chattr +i: the one way to make an open file unwritable that binds root too. */
  private static boolean immutable(Path... files) throws Exception {
    Assumptions.assumeTrue(
        chattr("+i", files), "cannot make a file immutable here (needs root and chattr)");
    return true;
  }

  private static boolean chattr(String flag, Path... files) throws Exception {
    boolean ok = true;
    for (Path f : files) {
      try {
        ok &=
            new ProcessBuilder("chattr", flag, f.toString())
                    .redirectErrorStream(true)
                    .start()
                    .waitFor()
                == 0;
      } catch (IOException e) {
        ok = false;
      }
    }
    return ok;
  }

  @Test
  void aDatabaseDeletedUnderneathFailsWritesInsteadOfLosingThemAndKeepsReads() throws Exception {
    Path file = dir.resolve("jobs.db");
    try (SqliteJobStore store = SqliteJobStore.open(file)) {
      Job before = TestJobs.job("t").build();
      store.insert(before);
      Files.delete(file);
      Job lost = TestJobs.job("t").build();
      // without the check SQLite would commit this into the unlinked file: gone at the next start
      assertThatThrownBy(() -> store.insert(lost))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("deleted or moved away")
          .hasMessageContaining("this change was not written");
      assertThat(store.updateAsync(TestJobs.next(before, dev.jobqueue.JobStatus.CANCELLED), 1))
          .failsWithin(Duration.ofSeconds(30))
          .withThrowableThat()
          .havingCause()
          .isInstanceOf(StoreException.class);
      assertThat(store.get(before.id())).contains(before);
      assertThat(store.query(JobQuery.all())).extracting(Job::id).containsExactly(before.id());
    }
  }

  @Test
  void aDatabaseMovedAwayAndBackFailsWritesMeanwhileAndThenRecoversByItself() throws Exception {
    Path file = dir.resolve("jobs.db");
    Path aside = dir.resolve("aside.db");
    Job before = TestJobs.job("t").build();
    Job after = TestJobs.job("t").build();
    try (SqliteJobStore store = SqliteJobStore.open(file)) {
      store.insert(before);
      Files.move(file, aside);
      assertThatThrownBy(() -> store.insert(TestJobs.job("t").build()))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("deleted or moved away");
      // another file in its place is not ours either
      Files.writeString(file, "");
      assertThatThrownBy(() -> store.insert(TestJobs.job("t").build()))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("replaced by another file");
      Files.delete(file);
      Files.move(aside, file);
      store.insert(after);
    }
    try (SqliteJobStore store = SqliteJobStore.open(file)) {
      assertThat(store.query(JobQuery.all()))
          .extracting(Job::id)
          .containsExactly(after.id(), before.id());
    }
  }

  @Test
  void anIoErrorInTheMiddleOfAGroupCommitIsRetriedChangeByChangeAndWritesEachOnce()
      throws Exception {
    Path file = dir.resolve("jobs.db");
    FaultyDataSource ds = new FaultyDataSource(file);
    try (SqliteJobStore store = SqliteJobStore.builder(ds).build()) {
      java.util.List<Job> jobs = new java.util.ArrayList<>();
      for (int i = 0; i < 20; i++) {
        Job j = TestJobs.job("t").build();
        store.insert(j);
        jobs.add(j);
      }
      java.util.List<java.util.concurrent.CompletableFuture<Boolean>> fs =
          new java.util.ArrayList<>();
      ds.holdNextWrite(
          () ->
              fs.add(
                  store.updateAsync(
                      TestJobs.next(jobs.get(0), dev.jobqueue.JobStatus.CANCELLED), 1)));
      for (Job j : jobs.subList(1, jobs.size())) {
        fs.add(store.updateAsync(TestJobs.next(j, dev.jobqueue.JobStatus.CANCELLED), 1));
      }
      // the first batch is the held update; the fault hits the 5th write of the batch of 19 after
      // it
      ds.ioErrorAfterWrites(1 + 4);
      ds.openGate();
      for (java.util.concurrent.CompletableFuture<Boolean> f : fs) {
        assertThat(f.get(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      }
      assertThat(ds.faultsThrown()).isEqualTo(1);
      for (Job j : jobs) {
        assertThat(store.get(j.id()))
            .as("written once, not twice")
            .contains(TestJobs.next(j, dev.jobqueue.JobStatus.CANCELLED));
      }
    }
  }

  @Test
  void aLastingIoErrorAtCommitFailsEveryChangeOfTheBatchAndWritingResumesWhenItStops()
      throws Exception {
    Path file = dir.resolve("jobs.db");
    FaultyDataSource ds = new FaultyDataSource(file);
    java.util.List<Job> jobs = new java.util.ArrayList<>();
    try (SqliteJobStore store = SqliteJobStore.builder(ds).build()) {
      for (int i = 0; i < 20; i++) {
        Job j = TestJobs.job("t").build();
        store.insert(j);
        jobs.add(j);
      }
      ds.ioErrorOnCommit();
      java.util.List<java.util.concurrent.CompletableFuture<Boolean>> fs =
          new java.util.ArrayList<>();
      for (Job j : jobs) {
        fs.add(store.updateAsync(TestJobs.next(j, dev.jobqueue.JobStatus.CANCELLED), 1));
      }
      for (java.util.concurrent.CompletableFuture<Boolean> f : fs) {
        assertThatThrownBy(() -> f.get(30, java.util.concurrent.TimeUnit.SECONDS))
            .hasCauseInstanceOf(StoreException.class)
            .hasMessageContaining("I/O error");
      }
      assertThatThrownBy(() -> store.insert(TestJobs.job("t").build()))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("I/O error");
      assertStored(store, jobs); // nothing half-written: every job as before
      ds.heal();
      for (Job j : jobs) {
        assertThat(store.update(TestJobs.next(j, dev.jobqueue.JobStatus.CANCELLED), 1)).isTrue();
      }
    }
    try (SqliteJobStore store = SqliteJobStore.open(file)) {
      for (Job j : jobs) {
        assertThat(store.get(j.id())).contains(TestJobs.next(j, dev.jobqueue.JobStatus.CANCELLED));
      }
    }
  }
}
