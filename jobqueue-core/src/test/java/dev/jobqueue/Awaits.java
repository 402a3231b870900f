package dev.jobqueue;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** The one place tests wait: generous timeouts for a busy 2-core machine, short poll intervals. */
public final class Awaits {
  private Awaits() {}

  public static ConditionFactory await() {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(5));
  }
}
