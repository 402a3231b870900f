package dev.jobqueue;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * Live threads with a name prefix that did not exist when this was created: the threads of the
 * queue a test builds afterwards, not those another test left running (which would make a JVM-wide
 * name scan depend on test order).
 */
public final class NewThreads {
  private final String prefix;
  private final Set<Thread> before;

  private NewThreads(String prefix) {
    this.prefix = prefix;
    this.before = live(prefix);
  }

  /** Remembers the threads named {@code prefix...} that are alive now. */
  public static NewThreads since(String prefix) {
    return new NewThreads(prefix);
  }

  /** Names of the matching threads that are alive now and were not before. */
  public Set<String> names() {
    Set<Thread> now = live(prefix);
    now.removeAll(before);
    return now.stream().map(Thread::getName).collect(Collectors.toSet());
  }

  private static Set<Thread> live(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
        .collect(Collectors.toSet());
  }
}
