package dev.jobqueue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every event it receives, for assertions about order and completeness. */
public final class RecordingListener implements JobListener {
  public final List<JobEvent> events = new CopyOnWriteArrayList<>();

  @Override
  public void onEvent(JobEvent event) {
    events.add(event);
  }

  public List<JobEvent> of(String jobId) {
    List<JobEvent> out = new ArrayList<>();
    for (JobEvent e : events) {
      if (e.jobId().equals(jobId)) {
        out.add(e);
      }
    }
    return out;
  }

  public List<JobStatus> statusesOf(String jobId) {
    List<JobStatus> out = new ArrayList<>();
    for (JobEvent e : of(jobId)) {
      if (e.statusChanged() && e.kind() != JobEvent.Kind.DELETED) {
        out.add(e.job().status());
      }
    }
    return out;
  }
}
