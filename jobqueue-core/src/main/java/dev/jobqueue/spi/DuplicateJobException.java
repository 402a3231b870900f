package dev.jobqueue.spi;

import dev.jobqueue.StoreException;

/** {@link JobStore#insert} was given an id that exists. */
public class DuplicateJobException extends StoreException {
  public DuplicateJobException(String jobId) {
    super("a job with id " + jobId + " already exists");
  }
}
