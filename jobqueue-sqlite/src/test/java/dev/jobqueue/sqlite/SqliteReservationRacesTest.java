package dev.jobqueue.sqlite;

import dev.jobqueue.spi.JobStore;
import dev.jobqueue.spi.ReservationRaces;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteReservationRacesTest extends ReservationRaces {
  @TempDir Path dir;

  @Override
  protected JobStore newStore() {
    return SqliteJobStore.open(dir.resolve("jobs.db"));
  }
}
