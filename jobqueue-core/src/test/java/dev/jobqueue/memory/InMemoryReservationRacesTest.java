package dev.jobqueue.memory;

import dev.jobqueue.spi.JobStore;
import dev.jobqueue.spi.ReservationRaces;

class InMemoryReservationRacesTest extends ReservationRaces {
  @Override
  protected JobStore newStore() {
    return new InMemoryJobStore();
  }
}
