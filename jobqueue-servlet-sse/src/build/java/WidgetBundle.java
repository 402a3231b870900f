import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the one classic script hosts load ({@code ui/task-manager.js}) from the widget's ES
 * modules, with nothing but a JDK: run by the Maven build as a single-file source program ({@code
 * java WidgetBundle.java <moduleDir> <entry> <outFile>}) in generate-resources.
 *
 * <p>It follows the entry's imports, puts every module once in dependency order into one IIFE,
 * drops the {@code import} lines and the {@code export} keywords. That is only correct for the
 * narrow module style the widget keeps, so the build fails with a message on anything else: an
 * import must be one line of named imports from a sibling ({@code import { a, b } from './x.js';}),
 * exports are {@code export function|class|const|let} declarations, top-level names are unique
 * across modules (they share one scope), imported names must be exported, and imports must not form
 * a cycle.
 */
public final class WidgetBundle {
  private static final Pattern IMPORT =
      Pattern.compile("^import\\s*\\{([^}]*)}\\s*from\\s*'\\./([A-Za-z0-9_-]+\\.js)';\\s*$");
  private static final Pattern EXPORT =
      Pattern.compile(
          "^export\\s+(?:async\\s+)?(?:function\\*?|class|const|let)\\s+([A-Za-z_$][\\w$]*)");
  private static final Pattern TOP_LEVEL =
      Pattern.compile(
          "^(?:export\\s+)?(?:async\\s+)?(?:function\\*?|class|const|let|var)\\s+([A-Za-z_$][\\w$]*)");

  private record Module(
      String name,
      List<String> body,
      Map<String, List<String>> imports,
      Set<String> exports,
      Set<String> declared) {}

  private final Path dir;
  private final Map<String, Module> modules = new LinkedHashMap<>();
  private final List<String> errors = new ArrayList<>();

  private WidgetBundle(Path dir) {
    this.dir = dir;
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: java WidgetBundle.java <moduleDir> <entry.js> <outFile>");
      System.exit(2);
    }
    WidgetBundle bundle = new WidgetBundle(Path.of(args[0]));
    String text = bundle.bundle(args[1]);
    if (!bundle.errors.isEmpty()) {
      System.err.println("[widget bundle] cannot bundle " + args[0] + ":");
      bundle.errors.forEach(e -> System.err.println("  " + e));
      System.exit(1);
    }
    Path out = Path.of(args[2]);
    Files.createDirectories(out.getParent());
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (!Files.exists(out) || !Arrays.equals(Files.readAllBytes(out), bytes)) {
      Files.write(out, bytes); // unchanged output keeps its timestamp
    }
    System.out.println(
        "[widget bundle] "
            + out
            + " from "
            + bundle.modules.size()
            + " modules, "
            + bytes.length
            + " bytes");
  }

  private String bundle(String entry) {
    List<String> order = new ArrayList<>();
    visit(entry, new LinkedHashSet<>(), order);
    if (!errors.isEmpty()) {
      return "";
    }
    Map<String, String> owner = new HashMap<>();
    for (String name : order) {
      Module m = modules.get(name);
      for (String declared : m.declared()) {
        String first = owner.putIfAbsent(declared, name);
        if (first != null) {
          errors.add(
              "top-level name '"
                  + declared
                  + "' is declared in both "
                  + first
                  + " and "
                  + name
                  + " (the bundle puts all modules in one scope)");
        }
      }
      m.imports()
          .forEach(
              (from, names) -> {
                for (String imported : names) {
                  if (!modules.get(from).exports().contains(imported)) {
                    errors.add(
                        name + " imports '" + imported + "' but " + from + " does not export it");
                  }
                }
              });
    }
    StringBuilder out = new StringBuilder();
    List<String> entryBody = new ArrayList<>(modules.get(entry).body());
    // the entry's leading comment documents the widget for hosts: it heads the bundle
    if (!entryBody.isEmpty() && entryBody.get(0).startsWith("/*")) {
      while (!entryBody.isEmpty()) {
        String line = entryBody.remove(0);
        out.append(line).append('\n');
        if (line.contains("*/")) {
          break;
        }
      }
    }
    out.append("// Generated at build time from src/main/widget (")
        .append(String.join(", ", order))
        .append(") by src/build/java/WidgetBundle.java. Do not edit: change the modules.\n");
    out.append("(() => {\n'use strict';\n");
    for (String name : order) {
      out.append("\n// ---- ").append(name).append(" ----\n");
      List<String> body = name.equals(entry) ? entryBody : modules.get(name).body();
      int start = 0;
      while (start < body.size() && body.get(start).isBlank()) {
        start++;
      }
      for (String line : body.subList(start, body.size())) {
        out.append(line).append('\n');
      }
    }
    out.append("})();\n");
    return out.toString();
  }

  private void visit(String name, Set<String> path, List<String> order) {
    if (modules.containsKey(name) && !path.contains(name)) {
      return;
    }
    if (!path.add(name)) {
      errors.add("import cycle: " + String.join(" -> ", path) + " -> " + name);
      return;
    }
    Module m = read(name);
    if (m != null) {
      modules.put(name, m);
      for (String dep : m.imports().keySet()) {
        visit(dep, path, order);
      }
      order.add(name);
    }
    path.remove(name);
  }

  private Module read(String name) {
    List<String> lines;
    try {
      lines = Files.readAllLines(dir.resolve(name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      errors.add("cannot read " + dir.resolve(name) + ": " + e);
      return null;
    }
    List<String> body = new ArrayList<>();
    Map<String, List<String>> imports = new LinkedHashMap<>();
    Set<String> exports = new LinkedHashSet<>();
    Set<String> declared = new LinkedHashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String where = name + ":" + (i + 1) + ": ";
      if (line.startsWith("import")) {
        Matcher im = IMPORT.matcher(line);
        if (!im.matches()) {
          errors.add(
              where
                  + "only one-line named imports of sibling modules can be bundled: "
                  + line.strip());
          continue;
        }
        List<String> names = new ArrayList<>();
        for (String n : im.group(1).split(",")) {
          if (!n.isBlank()) {
            names.add(n.strip());
          }
        }
        imports.computeIfAbsent(im.group(2), k -> new ArrayList<>()).addAll(names);
        continue;
      }
      Matcher top = TOP_LEVEL.matcher(line);
      if (top.find()) {
        declared.add(top.group(1));
      }
      if (line.startsWith("export")) {
        Matcher ex = EXPORT.matcher(line);
        if (!ex.find()) {
          errors.add(
              where
                  + "only 'export function|class|const|let name' can be bundled: "
                  + line.strip());
          continue;
        }
        exports.add(ex.group(1));
        line = line.substring("export".length()).stripLeading();
      }
      body.add(line);
    }
    return new Module(name, body, imports, exports, declared);
  }
}
