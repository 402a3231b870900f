package dev.jobqueue.examples.images;

import java.util.Optional;

/** The image formats the app accepts, recognised by their magic bytes (never by name or header). */
public enum ImageFormat {
  PNG("image/png", "png"),
  JPEG("image/jpeg", "jpg"),
  GIF("image/gif", "gif"),
  BMP("image/bmp", "bmp");

  private final String contentType;
  private final String extension;

  ImageFormat(String contentType, String extension) {
    this.contentType = contentType;
    this.extension = extension;
  }

  public String contentType() {
    return contentType;
  }

  public String extension() {
    return extension;
  }

  /** The format whose signature starts {@code bytes}, or empty. */
  public static Optional<ImageFormat> sniff(byte[] bytes) {
    if (startsWith(bytes, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return Optional.of(PNG);
    }
    if (startsWith(bytes, 0xFF, 0xD8, 0xFF)) {
      return Optional.of(JPEG);
    }
    if (startsWith(bytes, 'G', 'I', 'F', '8', '7', 'a')
        || startsWith(bytes, 'G', 'I', 'F', '8', '9', 'a')) {
      return Optional.of(GIF);
    }
    if (startsWith(bytes, 'B', 'M') && bytes.length >= 26) {
      return Optional.of(BMP);
    }
    return Optional.empty();
  }

  private static boolean startsWith(byte[] bytes, int... signature) {
    if (bytes.length < signature.length) {
      return false;
    }
    for (int i = 0; i < signature.length; i++) {
      if ((bytes[i] & 0xFF) != signature[i]) {
        return false;
      }
    }
    return true;
  }
}
