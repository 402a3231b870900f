package dev.jobqueue.examples;

import java.nio.file.Path;
import java.util.List;

/**
 * Command-line options of the example app.
 *
 * @param port HTTP port; 0 picks a free one
 * @param store {@code sqlite:PATH}, {@code postgres:JDBC_URL} or {@code memory}
 * @param workers worker threads of the queue
 * @param dataDir where images, presets and thumbnails are kept
 */
public record AppOptions(int port, String store, int workers, Path dataDir) {
  public static final int DEFAULT_PORT = 8080;
  public static final String DEFAULT_STORE = "sqlite:jobqueue-example.db";
  public static final int DEFAULT_WORKERS = 4;
  public static final Path DEFAULT_DATA_DIR = Path.of("data");

  public static final String USAGE =
      """
      Usage: ExampleApp [--port N] [--store sqlite:PATH|postgres:JDBC_URL|memory] [--workers N] [--data-dir DIR]
        --port      HTTP port (default 8080; 0 picks a free port)
        --store     where jobs are kept: sqlite:PATH (default sqlite:jobqueue-example.db),
                    postgres:JDBC_URL (instances on one database share the queue) or memory
        --workers   worker threads (default 4)
        --data-dir  directory for uploaded images, presets and thumbnails (default ./data)""";

  public AppOptions {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port must be 0..65535, got " + port);
    }
    if (workers < 1 || workers > 256) {
      throw new IllegalArgumentException("--workers must be 1..256, got " + workers);
    }
    StoreSpec.check(store);
  }

  public static AppOptions defaults() {
    return new AppOptions(DEFAULT_PORT, DEFAULT_STORE, DEFAULT_WORKERS, DEFAULT_DATA_DIR);
  }

  /** Parses {@code --name value} and {@code --name=value} options. */
  public static AppOptions parse(List<String> args) {
    int port = DEFAULT_PORT;
    String store = DEFAULT_STORE;
    int workers = DEFAULT_WORKERS;
    Path dataDir = DEFAULT_DATA_DIR;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      String value;
      if (arg.contains("=")) {
        value = arg.substring(arg.indexOf('=') + 1);
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        throw new IllegalArgumentException(name + " needs a value\n" + USAGE);
      }
      switch (name) {
        case "--port" -> port = number(name, value);
        case "--store" -> store = value;
        case "--workers" -> workers = number(name, value);
        case "--data-dir" -> dataDir = Path.of(value);
        default -> throw new IllegalArgumentException("unknown option " + name + "\n" + USAGE);
      }
    }
    return new AppOptions(port, store, workers, dataDir);
  }

  private static int number(String name, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got '" + value + "'");
    }
  }

  public AppOptions withPort(int newPort) {
    return new AppOptions(newPort, store, workers, dataDir);
  }
}
