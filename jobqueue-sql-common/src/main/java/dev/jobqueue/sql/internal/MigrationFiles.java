package dev.jobqueue.sql.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a store's versioned migrations: SQL resources {@code V<n>__<description>.sql} numbered 1,
 * 2, ... without gaps. The files and how they are applied stay the store's own.
 */
public final class MigrationFiles {
  private static final Pattern NAME = Pattern.compile("V(\\d+)__(\\w+)\\.sql");

  private MigrationFiles() {}

  /** Makes a store's migration from its version, description and SQL. */
  @FunctionalInterface
  public interface Factory<M> {
    M make(int version, String description, String sql);
  }

  /**
   * Loads and checks {@code files}, in order, from the resource folder {@code folder} (for example
   * {@code /db/sqlite/}) of {@code owner}'s jar.
   */
  public static <M> List<M> load(
      List<String> files, Class<?> owner, String folder, Factory<M> factory) {
    List<M> out = new ArrayList<>();
    for (String file : files) {
      Matcher m = NAME.matcher(file);
      if (!m.matches()) {
        throw new IllegalStateException("bad migration file name " + file);
      }
      int version = Integer.parseInt(m.group(1));
      if (version != out.size() + 1) {
        throw new IllegalStateException("migration " + file + " is out of order");
      }
      String sql = resource(owner, folder + file);
      out.add(factory.make(version, m.group(2).replace('_', ' '), sql));
    }
    return out;
  }

  private static String resource(Class<?> owner, String path) {
    try (InputStream in = owner.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("migration resource " + path + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read migration resource " + path, e);
    }
  }
}
