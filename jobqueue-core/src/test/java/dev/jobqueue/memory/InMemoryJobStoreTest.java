package dev.jobqueue.memory;

import dev.jobqueue.spi.JobStore;
import dev.jobqueue.spi.JobStoreContract;

class InMemoryJobStoreTest extends JobStoreContract {
  @Override
  protected JobStore newStore() {
    return new InMemoryJobStore();
  }
}
