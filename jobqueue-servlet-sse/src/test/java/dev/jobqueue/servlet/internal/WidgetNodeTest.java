package dev.jobqueue.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the widget's unit tests ({@code src/test/widget/*.test.js}) with Node's built-in test
 * runner, one dynamic test per file, so {@code mvn verify} covers the widget's store, stream and
 * row logic. Node is only needed here, never to build or use the library. Without Node the tests
 * are skipped with a message, unless {@code jobqueue.requireServices=true}, where they fail. {@code
 * -Djobqueue.node=/path/to/node} picks a specific binary.
 */
class WidgetNodeTest {
  private static final Path TESTS = basedir().resolve("src/test/widget");

  @TestFactory
  Stream<DynamicTest> widgetUnitTests() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(TESTS)) {
      s.filter(p -> p.getFileName().toString().endsWith(".test.js")).sorted().forEach(files::add);
    }
    assertThat(files).as("widget tests in %s", TESTS).isNotEmpty();
    return files.stream()
        .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(f)));
  }

  private static void run(Path testFile) throws Exception {
    Path node = requireNode(); // per test, so a skip shows up (with its reason) in every report
    Path bundle = bundleOnClasspath();
    Path log = Files.createTempFile("widget-node-test", ".log");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(node.toString(), "--test", "--test-reporter=spec", testFile.toString())
              .directory(TESTS.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment().put("JOBQUEUE_WIDGET_BUNDLE", bundle.toString());
      pb.environment().put("NO_COLOR", "1");
      Process p = pb.start();
      // a safety net for a hung runner, not a measurement: the files take well under a second
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        fail(testFile + " did not finish within 2 minutes:\n" + Files.readString(log));
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as("node --test %s:%n%s", testFile.getFileName(), output).isZero();
      assertThat(output).as("node ran tests in %s", testFile.getFileName()).contains("pass");
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** The bundled widget as the build put it on the classpath (target/classes). */
  private static Path bundleOnClasspath() {
    URL url =
        WidgetNodeTest.class.getClassLoader().getResource(UiResources.ROOT + "task-manager.js");
    assertThat(url).as("the build bundles %stask-manager.js", UiResources.ROOT).isNotNull();
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new AssertionError("the widget bundle is not a plain file: " + url, e);
    }
  }

  private static Path requireNode() {
    Optional<Path> node = findNode();
    if (node.isPresent()) {
      return node.get();
    }
    String message =
        "The widget's unit tests need Node.js 20 or newer ('node' on the PATH, or"
            + " -Djobqueue.node=/path/to/node); none was found.";
    if (Boolean.getBoolean("jobqueue.requireServices")) {
      fail(message + " Failing because jobqueue.requireServices=true.");
    }
    Assumptions.abort(message + " Skipping.");
    return null;
  }

  private static Optional<Path> findNode() {
    String configured = System.getProperty("jobqueue.node");
    if (configured != null && !configured.isBlank()) {
      Path p = Path.of(configured);
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path p = Path.of(dir, "node");
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  private static Path basedir() {
    return Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
  }
}
