package dev.jobqueue.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobqueue.JobQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Secure by default: no filter that shows every job to everyone unless the host says so. */
class FilterBuilderTest {
  private final JobQueue queue = JobQueue.builder().workers(0).build();

  @AfterEach
  void close() {
    queue.close();
  }

  @Test
  void aFilterWithoutUserResolverIsRefusedWithWhatToDo() {
    assertThatThrownBy(() -> JobQueueFilter.builder(queue).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("userResolver(")
        .hasMessageContaining("sharedViewForAllCallers()");
  }

  @Test
  void eitherAResolverOrTheExplicitSharedViewBuilds() {
    JobQueueFilter scoped =
        JobQueueFilter.builder(queue).userResolver(req -> req.getRemoteUser()).build();
    JobQueueFilter shared = JobQueueFilter.builder(queue).sharedViewForAllCallers().build();
    assertThat(scoped.basePath()).isEqualTo(shared.basePath()).isEqualTo("/api/jobs");
    scoped.destroy();
    shared.destroy();
  }
}
