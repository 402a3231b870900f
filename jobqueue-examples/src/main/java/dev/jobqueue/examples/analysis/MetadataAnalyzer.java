package dev.jobqueue.examples.analysis;

import dev.jobqueue.examples.images.StoredImage;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/** File and format facts: dimensions, aspect, colour model, frames, DPI, text chunks, hash. */
public final class MetadataAnalyzer implements Analyzer {
  @Override
  public String name() {
    return "metadata";
  }

  @Override
  public String label() {
    return "Metadata";
  }

  @Override
  public String description() {
    return "Format, dimensions, aspect ratio, colour model, frames, resolution, unique colours and SHA-256";
  }

  @Override
  public int steps() {
    return 4;
  }

  @Override
  public Map<String, Object> analyze(AnalysisInput input, Steps steps) throws Exception {
    StoredImage image = input.image();
    BufferedImage px = input.pixels();
    Map<String, Object> result = new LinkedHashMap<>();
    int w = px.getWidth();
    int h = px.getHeight();
    int gcd = BigInteger.valueOf(w).gcd(BigInteger.valueOf(h)).intValue();
    ColorModel cm = px.getColorModel();
    result.put("format", image.format().name().toLowerCase(java.util.Locale.ROOT));
    result.put("width", w);
    result.put("height", h);
    result.put("megapixels", Pixels.round(w * (double) h / 1e6, 3));
    result.put("aspect_ratio", (w / gcd) + ":" + (h / gcd));
    result.put("aspect", Pixels.round((double) w / h, 4));
    result.put("file_bytes", image.size());
    result.put("bits_per_pixel_stored", Pixels.round(image.size() * 8.0 / ((long) w * h), 3));
    result.put("color_components", cm.getNumComponents());
    result.put("bits_per_pixel", cm.getPixelSize());
    result.put("has_alpha", cm.hasAlpha());
    steps.next("Read dimensions and colour model");
    readFormatMetadata(image, result);
    steps.next("Read format metadata");
    result.put("sha256", sha256(image));
    steps.next("Hashed the file");
    int[] sample = Pixels.rgb(Pixels.fit(px, 256));
    Set<Integer> unique = new HashSet<>();
    for (int p : sample) {
      unique.add(p & 0xFFFFFF);
    }
    result.put("unique_colors_sampled", unique.size());
    steps.next("Counted colours");
    Map<String, Object> ordered = new LinkedHashMap<>();
    ordered.put(
        "summary",
        result.get("format").toString().toUpperCase(java.util.Locale.ROOT)
            + " "
            + w
            + "×"
            + h
            + " ("
            + result.get("aspect_ratio")
            + ", "
            + result.get("megapixels")
            + " MP), "
            + image.size() / 1024
            + " KB"
            + (cm.hasAlpha() ? ", with alpha" : ""));
    ordered.putAll(result);
    return ordered;
  }

  private static void readFormatMetadata(StoredImage image, Map<String, Object> result)
      throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(image.file().toFile())) {
      var readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return;
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in);
        result.put("frames", reader.getNumImages(true));
        IIOMetadata meta = reader.getImageMetadata(0);
        if (meta != null && meta.isStandardMetadataFormatSupported()) {
          Node root = meta.getAsTree("javax_imageio_1.0");
          Double pixelMm = number(find(root, "HorizontalPixelSize"), "value");
          if (pixelMm != null && pixelMm > 0) {
            result.put("dpi", Math.round(25.4 / pixelMm));
          }
          Map<String, String> text = new LinkedHashMap<>();
          collectText(find(root, "Text"), text);
          if (!text.isEmpty()) {
            result.put("text", text);
          }
        }
      } finally {
        reader.dispose();
      }
    }
  }

  private static Node find(Node node, String name) {
    if (node == null) {
      return null;
    }
    if (name.equals(node.getNodeName())) {
      return node;
    }
    for (Node c = node.getFirstChild(); c != null; c = c.getNextSibling()) {
      Node hit = find(c, name);
      if (hit != null) {
        return hit;
      }
    }
    return null;
  }

  private static Double number(Node node, String attribute) {
    if (node == null || node.getAttributes() == null) {
      return null;
    }
    Node a = node.getAttributes().getNamedItem(attribute);
    try {
      return a == null ? null : Double.valueOf(a.getNodeValue());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static void collectText(Node textNode, Map<String, String> out) {
    if (textNode == null) {
      return;
    }
    for (Node c = textNode.getFirstChild(); c != null && out.size() < 10; c = c.getNextSibling()) {
      NamedNodeMap attrs = c.getAttributes();
      if (attrs != null
          && attrs.getNamedItem("keyword") != null
          && attrs.getNamedItem("value") != null) {
        String value = attrs.getNamedItem("value").getNodeValue();
        out.put(
            attrs.getNamedItem("keyword").getNodeValue(),
            value.length() > 200 ? value.substring(0, 200) : value);
      }
    }
  }

  private static String sha256(StoredImage image) throws IOException {
    try (InputStream in = Files.newInputStream(image.file())) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
