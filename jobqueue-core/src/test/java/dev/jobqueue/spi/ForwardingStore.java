package dev.jobqueue.spi;

import dev.jobqueue.Job;
import dev.jobqueue.JobLog;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobStatus;
import dev.jobqueue.RecurringSchedule;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** A store that forwards every call; tests override what they need to change. */
public class ForwardingStore implements JobStore {
  protected final JobStore delegate;

  public ForwardingStore(JobStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public void insert(Job job) {
    delegate.insert(job);
  }

  @Override
  public void insertAll(List<Job> jobs) {
    delegate.insertAll(jobs);
  }

  @Override
  public Optional<Job> get(String id) {
    return delegate.get(id);
  }

  @Override
  public List<Job> query(JobQuery query) {
    return delegate.query(query);
  }

  @Override
  public boolean update(Job next, long expectedVersion) {
    return delegate.update(next, expectedVersion);
  }

  @Override
  public CompletableFuture<Boolean> updateAsync(Job next, long expectedVersion) {
    return delegate.updateAsync(next, expectedVersion);
  }

  /**
   * {@link #updateAsync} through {@link #update}, as a store without an asynchronous path of its
   * own does: for a test store whose {@code update} hook must see every write.
   */
  protected final CompletableFuture<Boolean> updateAsyncViaUpdate(Job next, long expectedVersion) {
    try {
      return CompletableFuture.completedFuture(update(next, expectedVersion));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public boolean updateProgress(Job next, long expectedVersion) {
    return delegate.updateProgress(next, expectedVersion);
  }

  @Override
  public boolean delete(String id, long expectedVersion) {
    return delegate.delete(id, expectedVersion);
  }

  @Override
  public List<Job> reserve(ClaimRequest request) {
    return delegate.reserve(request);
  }

  @Override
  public void release(String owner, Collection<String> jobIds) {
    delegate.release(owner, jobIds);
  }

  @Override
  public LeaseRenewal renewLeases(String owner, Collection<String> running, Instant until) {
    return delegate.renewLeases(owner, running, until);
  }

  @Override
  public List<Job> expiredLeases(Instant now, int limit) {
    return delegate.expiredLeases(now, limit);
  }

  @Override
  public List<Job> purge(Instant completedBefore, int keepLast) {
    return delegate.purge(completedBefore, keepLast);
  }

  @Override
  public Map<String, Map<JobStatus, Long>> countByTypeAndStatus(String userId) {
    return delegate.countByTypeAndStatus(userId);
  }

  @Override
  public Job insertUnique(Job job) {
    return delegate.insertUnique(job);
  }

  @Override
  public boolean insertSchedule(RecurringSchedule schedule) {
    return delegate.insertSchedule(schedule);
  }

  @Override
  public Optional<RecurringSchedule> getSchedule(String id) {
    return delegate.getSchedule(id);
  }

  @Override
  public List<RecurringSchedule> schedules() {
    return delegate.schedules();
  }

  @Override
  public boolean updateSchedule(RecurringSchedule next, long expectedVersion) {
    return delegate.updateSchedule(next, expectedVersion);
  }

  @Override
  public boolean deleteSchedule(String id) {
    return delegate.deleteSchedule(id);
  }

  @Override
  public boolean fireSchedule(String scheduleId, Instant occurrence, Instant nextRunAt, Job job) {
    return delegate.fireSchedule(scheduleId, occurrence, nextRunAt, job);
  }

  @Override
  public void writeLog(JobLog log) {
    delegate.writeLog(log);
  }

  @Override
  public List<JobLog> logs(String jobId) {
    return delegate.logs(jobId);
  }

  @Override
  public void pauseType(String type) {
    delegate.pauseType(type);
  }

  @Override
  public void resumeType(String type) {
    delegate.resumeType(type);
  }

  @Override
  public Set<String> pausedTypes() {
    return delegate.pausedTypes();
  }

  @Override
  public boolean isShared() {
    return delegate.isShared();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
