package dev.jobqueue.servlet.internal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Serves the widget's files: every classpath resource under {@code dev/jobqueue/servlet/ui/} at
 * {@code {basePath}/ui/{name}}. Names are a single path segment of safe characters, so no request
 * can reach any other resource ({@code ..}, slashes and encoded variants never match). Files are
 * read once and kept with a content hash as ETag; browsers revalidate ({@code no-cache}) and get a
 * 304 while the jar is unchanged, so a library upgrade is picked up at once.
 */
public final class UiResources {
  static final String ROOT = "dev/jobqueue/servlet/ui/";
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
  private static final Map<String, String> TYPES =
      Map.of(
          "js", "text/javascript; charset=utf-8",
          "mjs", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "html", "text/html; charset=utf-8",
          "json", "application/json",
          "map", "application/json",
          "svg", "image/svg+xml",
          "png", "image/png",
          "txt", "text/plain; charset=utf-8");

  private record Resource(byte[] bytes, String etag, String contentType) {}

  private final ClassLoader loader;
  private final Map<String, Resource> cache = new ConcurrentHashMap<>();

  public UiResources(ClassLoader loader) {
    this.loader = loader;
  }

  public void serve(String name, HttpServletRequest req, HttpServletResponse resp)
      throws IOException {
    String method = req.getMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      throw HttpError.methodNotAllowed(method, "GET, HEAD");
    }
    Resource r =
        find(name).orElseThrow(() -> HttpError.notFound("no widget file named '" + name + "'"));
    resp.setHeader("ETag", r.etag());
    resp.setHeader("Cache-Control", "no-cache");
    String inm = req.getHeader("If-None-Match");
    if (inm != null && (inm.contains(r.etag()) || inm.trim().equals("*"))) {
      resp.setStatus(304);
      return;
    }
    resp.setStatus(200);
    resp.setContentType(r.contentType());
    resp.setContentLength(r.bytes().length);
    if (method.equals("GET")) {
      resp.getOutputStream().write(r.bytes());
    }
  }

  Optional<Resource> find(String name) {
    if (!SAFE_NAME.matcher(name).matches() || name.contains("..")) {
      return Optional.empty();
    }
    Resource cached = cache.get(name);
    if (cached != null) {
      return Optional.of(cached);
    }
    try (InputStream in = loader.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        return Optional.empty(); // unknown names are not cached: the cache holds real files only
      }
      byte[] bytes = in.readAllBytes();
      Resource r = new Resource(bytes, etag(bytes), contentType(name));
      cache.putIfAbsent(name, r);
      return Optional.of(r);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read widget file " + ROOT + name, e);
    }
  }

  static String contentType(String name) {
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return TYPES.getOrDefault(ext, "application/octet-stream");
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(d, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
