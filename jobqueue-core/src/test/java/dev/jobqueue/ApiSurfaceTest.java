package dev.jobqueue;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The exported packages (API, SPI, in-memory store) never show an internal type in a public
 * signature, and hold no public mutable static state: users can depend on them alone.
 */
class ApiSurfaceTest {
  private static final List<String> EXPORTED =
      List.of("dev.jobqueue", "dev.jobqueue.spi", "dev.jobqueue.memory");

  @Test
  void exportedPackagesAreExactlyTheApiAndSpi() {
    Module core = JobQueue.class.getModule();
    assertThat(core.isNamed()).as("core runs as the module its module-info declares").isTrue();
    assertThat(core.getDescriptor().exports().stream().map(e -> e.source()))
        .containsExactlyInAnyOrderElementsOf(EXPORTED);
  }

  @Test
  void noPublicSignatureNamesAnInternalType() throws Exception {
    List<String> leaks = new ArrayList<>();
    for (Class<?> c : exportedClasses()) {
      if (!Modifier.isPublic(c.getModifiers())) {
        continue;
      }
      for (Type t : c.getGenericInterfaces()) {
        check(leaks, c.getName() + " implements", t);
      }
      check(leaks, c.getName() + " extends", c.getGenericSuperclass());
      for (Method m : c.getDeclaredMethods()) {
        if (visible(m.getModifiers()) && !m.isSynthetic()) {
          check(leaks, m.toString(), m.getGenericReturnType());
          checkParameters(leaks, m);
        }
      }
      for (var k : c.getDeclaredConstructors()) {
        if (visible(k.getModifiers())) {
          checkParameters(leaks, k);
        }
      }
      for (Field f : c.getDeclaredFields()) {
        if (visible(f.getModifiers())) {
          check(leaks, f.toString(), f.getGenericType());
        }
      }
    }
    assertThat(leaks).isEmpty();
  }

  @Test
  void noPublicStaticFieldIsMutable() throws Exception {
    List<String> mutable = new ArrayList<>();
    for (Class<?> c : exportedClasses()) {
      for (Field f : c.getDeclaredFields()) {
        int mod = f.getModifiers();
        if (Modifier.isPublic(mod) && Modifier.isStatic(mod) && !f.isEnumConstant()) {
          if (!Modifier.isFinal(mod)) {
            mutable.add(f.toString());
          }
        }
      }
    }
    assertThat(mutable).isEmpty();
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static void checkParameters(List<String> leaks, Executable e) {
    for (Type p : e.getGenericParameterTypes()) {
      check(leaks, e.toString(), p);
    }
  }

  private static void check(List<String> leaks, String where, Type t) {
    if (t == null) {
      return;
    }
    if (t instanceof Class<?> c) {
      Class<?> base = c;
      while (base.isArray()) {
        base = base.getComponentType();
      }
      if (base.getPackageName().contains(".internal")) {
        leaks.add(where + " -> " + base.getName());
      }
    } else if (t instanceof ParameterizedType p) {
      check(leaks, where, p.getRawType());
      for (Type a : p.getActualTypeArguments()) {
        check(leaks, where, a);
      }
    } else if (t instanceof WildcardType w) {
      Stream.concat(Stream.of(w.getUpperBounds()), Stream.of(w.getLowerBounds()))
          .forEach(b -> check(leaks, where, b));
    } else if (t instanceof GenericArrayType g) {
      check(leaks, where, g.getGenericComponentType());
    }
  }

  private static List<Class<?>> exportedClasses() throws URISyntaxException, Exception {
    Path root = Path.of(JobQueue.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> out = new ArrayList<>();
    for (String pkg : EXPORTED) {
      Path dir = root.resolve(pkg.replace('.', '/'));
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
          String name = f.getFileName().toString();
          out.add(Class.forName(pkg + "." + name.substring(0, name.length() - 6)));
        }
      }
    }
    assertThat(out).hasSizeGreaterThan(20);
    return out;
  }
}
