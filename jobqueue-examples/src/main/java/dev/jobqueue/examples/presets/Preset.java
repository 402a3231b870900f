package dev.jobqueue.examples.presets;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Map;

/**
 * What one finished analysis produced: a named, reusable set of values and, once its thumbnail job
 * has run, a preview image.
 */
public record Preset(
    @JsonProperty("preset_id") String id,
    String name,
    String analyzer,
    @JsonProperty("image_id") String imageId,
    String summary,
    Map<String, Object> data,
    @JsonProperty("job_id") String jobId,
    @JsonProperty("created_at") Instant createdAt,
    @JsonProperty("has_thumbnail") boolean hasThumbnail) {

  @JsonProperty("thumbnail_url")
  public String thumbnailUrl() {
    return hasThumbnail ? "/api/presets/" + id + "/thumbnail" : null;
  }

  @JsonProperty("url")
  public String url() {
    return "/api/presets/" + id;
  }

  Preset withThumbnail() {
    return new Preset(id, name, analyzer, imageId, summary, data, jobId, createdAt, true);
  }
}
