package dev.jobqueue.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.Job;
import dev.jobqueue.JobContext;
import dev.jobqueue.JobRequest;
import dev.jobqueue.examples.analysis.AnalysisInput;
import dev.jobqueue.examples.analysis.Analyzer;
import dev.jobqueue.examples.analysis.BrightnessAnalyzer;
import dev.jobqueue.examples.analysis.ColorPaletteAnalyzer;
import dev.jobqueue.examples.analysis.CompositionAnalyzer;
import dev.jobqueue.examples.analysis.EdgeAnalyzer;
import dev.jobqueue.examples.analysis.SharpnessAnalyzer;
import dev.jobqueue.examples.analysis.Steps;
import dev.jobqueue.examples.generate.FractalRenderer;
import dev.jobqueue.examples.images.ImageFormat;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The analyzers compute real things from pixels, checked on images with known properties. */
class AnalyzersTest {
  private final List<String> steps = new ArrayList<>();

  @Test
  void paletteFindsTheTwoColoursAndTheirShares() throws Exception {
    BufferedImage img = new BufferedImage(100, 100, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(0xff0000));
    g.fillRect(0, 0, 100, 75);
    g.setColor(new Color(0x0000ff));
    g.fillRect(0, 75, 100, 25);
    g.dispose();
    Map<String, Object> r = run(new ColorPaletteAnalyzer(), img);
    assertThat(r.get("dominant")).isEqualTo("#ff0000");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> palette = (List<Map<String, Object>>) r.get("palette");
    assertThat((Double) palette.get(0).get("share")).isBetween(0.7, 0.8);
    assertThat(palette).anySatisfy(c -> assertThat(c.get("hex")).isEqualTo("#0000ff"));
    assertThat(steps).hasSize(new ColorPaletteAnalyzer().steps() + 1);
  }

  @Test
  void brightnessMeasuresMeanAndContrast() throws Exception {
    Map<String, Object> dark = run(new BrightnessAnalyzer(), solid(new Color(20, 20, 20)));
    Map<String, Object> split = run(new BrightnessAnalyzer(), halves(Color.BLACK, Color.WHITE));
    assertThat((Double) dark.get("mean")).isBetween(19.0, 21.0);
    assertThat(dark.get("exposure")).isEqualTo("underexposed");
    assertThat((Double) dark.get("contrast_rms")).isLessThan(1.0);
    assertThat((Double) split.get("contrast_rms")).isBetween(120.0, 130.0);
    assertThat(split.get("contrast")).isEqualTo("high");
  }

  @Test
  void sharpnessDropsWhenTheImageIsBlurred() throws Exception {
    BufferedImage sharp = TestImages.scene(300, 200);
    float[] box = new float[81];
    java.util.Arrays.fill(box, 1f / 81);
    BufferedImage blurred =
        new ConvolveOp(new Kernel(9, 9, box), ConvolveOp.EDGE_NO_OP, null).filter(sharp, null);
    double s = (Double) run(new SharpnessAnalyzer(), sharp).get("laplacian_variance");
    double b = (Double) run(new SharpnessAnalyzer(), blurred).get("laplacian_variance");
    assertThat(b).isLessThan(s / 5);
  }

  @Test
  void edgesSeeAVerticalBoundary() throws Exception {
    Map<String, Object> r = run(new EdgeAnalyzer(), halves(Color.BLACK, Color.WHITE));
    assertThat((Double) r.get("edge_density")).isBetween(0.005, 0.05);
    assertThat(r.get("dominant_orientation")).isEqualTo("vertical");
    assertThat((Double) run(new EdgeAnalyzer(), solid(Color.GRAY)).get("edge_density")).isZero();
  }

  @Test
  void compositionFindsASubjectOnAThirdsPoint() throws Exception {
    BufferedImage img = solid(new Color(200, 200, 200));
    Graphics2D g = img.createGraphics();
    g.setColor(Color.RED);
    g.fillOval(300 / 3 - 15, 300 / 3 - 15, 30, 30);
    g.dispose();
    Map<String, Object> r = run(new CompositionAnalyzer(), img);
    assertThat(r.get("verdict")).isEqualTo("follows the rule of thirds");
    assertThat((Double) r.get("thirds_score")).isGreaterThan(0.8);
  }

  @Test
  void formatsAreSniffedByMagicBytes() {
    assertThat(ImageFormat.sniff(TestImages.encode(TestImages.scene(8, 8), "png")))
        .contains(ImageFormat.PNG);
    assertThat(ImageFormat.sniff(TestImages.encode(TestImages.scene(8, 8), "jpg")))
        .contains(ImageFormat.JPEG);
    assertThat(ImageFormat.sniff(TestImages.encode(TestImages.scene(8, 8), "gif")))
        .contains(ImageFormat.GIF);
    assertThat(ImageFormat.sniff(TestImages.encode(TestImages.scene(8, 8), "bmp")))
        .contains(ImageFormat.BMP);
    assertThat(ImageFormat.sniff("<svg></svg>".getBytes())).isEmpty();
  }

  @Test
  void fractalIsDeterministicPerPromptAndReportsEveryRow() throws Exception {
    List<Integer> rows = new ArrayList<>();
    BufferedImage a = new FractalRenderer().render("dawn", 64, 48, rows::add);
    BufferedImage b = new FractalRenderer().render("dawn", 64, 48, r -> {});
    BufferedImage c = new FractalRenderer().render("dusk", 64, 48, r -> {});
    assertThat(rows).hasSize(48).endsWith(48);
    assertThat(a.getRGB(10, 10)).isEqualTo(b.getRGB(10, 10));
    assertThat(FractalRenderer.params("dawn")).isNotEqualTo(FractalRenderer.params("dusk"));
    assertThat(java.util.Arrays.equals(rgb(a), rgb(c))).isFalse();
  }

  private static int[] rgb(BufferedImage img) {
    return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
  }

  private Map<String, Object> run(Analyzer analyzer, BufferedImage img) throws Exception {
    steps.clear();
    Steps s = new Steps(new RecordingContext(steps), analyzer.steps() + 1, Duration.ZERO);
    s.next("decoded");
    return analyzer.analyze(new AnalysisInput(null, img), s);
  }

  private static BufferedImage solid(Color c) {
    BufferedImage img = new BufferedImage(300, 300, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(c);
    g.fillRect(0, 0, 300, 300);
    g.dispose();
    return img;
  }

  private static BufferedImage halves(Color left, Color right) {
    BufferedImage img = solid(left);
    Graphics2D g = img.createGraphics();
    g.setColor(right);
    g.fillRect(150, 0, 150, 300);
    g.dispose();
    return img;
  }

  /** A context that records progress messages. */
  private record RecordingContext(List<String> messages) implements JobContext {
    @Override
    public String jobId() {
      return "test";
    }

    @Override
    public Job job() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Map<String, Object> input() {
      return Map.of();
    }

    @Override
    public int attempt() {
      return 1;
    }

    @Override
    public void progress(double fraction, String message) {
      messages.add(message);
    }

    @Override
    public void log(String line) {}

    @Override
    public void progress(int current, int total, String message) {
      if (current > 0) {
        messages.add(current + "/" + total + " " + message);
      }
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public void throwIfCancelled() {}

    @Override
    public Job spawn(JobRequest child) {
      throw new UnsupportedOperationException();
    }
  }
}
