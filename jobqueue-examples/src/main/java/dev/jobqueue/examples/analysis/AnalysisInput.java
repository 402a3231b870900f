package dev.jobqueue.examples.analysis;

import dev.jobqueue.examples.images.StoredImage;
import java.awt.image.BufferedImage;

/** What an analyzer works on: the stored image and its decoded pixels. */
public record AnalysisInput(StoredImage image, BufferedImage pixels) {}
