package dev.jobqueue.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The starter in a Spring Boot app: {@link WordCountHandler} runs {@code count_words} jobs, {@link
 * WordCountController} starts them, and {@code index.html} shows them in the task manager.
 */
@SpringBootApplication
public class SpringExampleApp {
  public static void main(String[] args) {
    SpringApplication.run(SpringExampleApp.class, args);
  }
}
