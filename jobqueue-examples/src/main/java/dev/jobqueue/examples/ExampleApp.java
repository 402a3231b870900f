package dev.jobqueue.examples;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Command-line entry point: starts {@link ExampleServer} and stops it on Ctrl+C. */
public final class ExampleApp {
  private static final Logger LOG = LoggerFactory.getLogger(ExampleApp.class);

  private ExampleApp() {}

  public static void main(String[] args) throws Exception {
    AppOptions options;
    try {
      options = AppOptions.parse(List.of(args));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    ExampleServer app = ExampleServer.start(options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  app.close();
                  stopped.countDown();
                },
                "example-shutdown"));
    // printed as well as logged: under "mvn -q exec:java" Maven's own logger hides INFO lines
    System.out.println(
        "jobqueue example app: open http://localhost:" + app.port() + "/ (Ctrl+C stops it)");
    LOG.info("Open {} — press Ctrl+C to stop", app.uri());
    stopped.await();
  }
}
