/**
 * jobqueue's core: the job model and queue API ({@code dev.jobqueue}), the storage SPI that stores
 * implement ({@code dev.jobqueue.spi}) and the in-memory store ({@code dev.jobqueue.memory}). The
 * queue's implementation ({@code dev.jobqueue.internal}) is not exported.
 */
module dev.jobqueue.core {
  requires org.slf4j;

  exports dev.jobqueue;
  exports dev.jobqueue.spi;
  exports dev.jobqueue.memory;
}
