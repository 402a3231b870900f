package dev.jobqueue.examples.spring;

import dev.jobqueue.JobContext;
import dev.jobqueue.JobHandler;
import dev.jobqueue.spring.boot.JobType;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Counts the words of a text, one line per step, reporting progress as it goes. */
@Component
@JobType(WordCountHandler.TYPE)
public class WordCountHandler implements JobHandler {
  public static final String TYPE = "count_words";

  @Override
  public Map<String, Object> run(JobContext ctx) {
    String text = String.valueOf(ctx.input().getOrDefault("text", ""));
    String[] lines = text.split("\\R");
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (int i = 0; i < lines.length; i++) {
      ctx.throwIfCancelled();
      for (String word : lines[i].toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}']+")) {
        if (!word.isEmpty()) {
          counts.merge(word, 1, Integer::sum);
        }
      }
      ctx.progress(i + 1, lines.length, "line " + (i + 1) + " of " + lines.length);
    }
    int total = counts.values().stream().mapToInt(Integer::intValue).sum();
    return Map.of("words", total, "distinct", counts.size());
  }
}
