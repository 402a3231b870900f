package dev.jobqueue.examples.images;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.time.Instant;

/**
 * An uploaded (or generated) image: its metadata as the API shows it and where the bytes live.
 *
 * @param id the image id
 * @param name the file name given by the uploader (display only, never used as a path)
 * @param format the sniffed format
 * @param width pixels
 * @param height pixels
 * @param size bytes
 * @param createdAt when it was stored
 * @param file the stored bytes
 */
public record StoredImage(
    @JsonProperty("image_id") String id,
    String name,
    @JsonIgnore ImageFormat format,
    int width,
    int height,
    long size,
    @JsonProperty("created_at") Instant createdAt,
    @JsonIgnore Path file) {

  @JsonProperty("content_type")
  public String contentType() {
    return format.contentType();
  }

  @JsonProperty("url")
  public String url() {
    return "/api/images/" + id;
  }
}
