package dev.jobqueue.servlet;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** The one place these tests wait: generous timeouts for a busy 2-core machine. */
public final class Awaits {
  private Awaits() {}

  public static ConditionFactory await() {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(5));
  }
}
