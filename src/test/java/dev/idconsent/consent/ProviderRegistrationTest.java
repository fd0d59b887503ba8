package dev.idconsent.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The registrations in {@code META-INF/services} cannot drift from the code: every listed class exists, is a
 * loadable provider of the service it is listed under, and provider ids do not clash.
 *
 * <p>Keycloak's jars are on the test classpath without their own dependencies, so some Keycloak types cannot be
 * initialised here. Classes are therefore loaded without initialising them, and a check that needs an
 * initialised class is skipped for the classes where that fails.
 */
@DisplayName("Provider registration: META-INF/services matches the code")
class ProviderRegistrationTest {
    private static final ClassLoader LOADER = ProviderRegistrationTest.class.getClassLoader();

    /** The compiled main classes: a directory under surefire, where the service files sit beside the classes. */
    static Path classesRoot() throws URISyntaxException {
        return Path.of(Purpose.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    static List<Path> serviceFiles() throws Exception {
        try (Stream<Path> files = Files.list(classesRoot().resolve("META-INF/services"))) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** Class names listed in a service file, without comments and blank lines. */
    static List<String> providers(Path serviceFile) {
        try {
            return Files.readAllLines(serviceFile).stream().map(l -> l.replaceFirst("#.*", "").strip())
                    .filter(l -> !l.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Class<?> load(String name) throws ClassNotFoundException {
        return Class.forName(name, false, LOADER);
    }

    static Optional<Class<?>> tryLoad(String name) {
        try {
            return Optional.of(load(name));
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.empty();
        }
    }

    /** {@code getId()} of a fresh instance, or empty when the class cannot be initialised without a server. */
    static Optional<String> providerId(Class<?> type) {
        try {
            Method getId = type.getMethod("getId");
            return Optional.ofNullable((String) getId.invoke(type.getConstructor().newInstance()));
        } catch (ReflectiveOperationException | LinkageError e) {
            return Optional.empty();
        }
    }

    @Test
    @DisplayName("given the build output, then it holds service files that each list at least one provider")
    void serviceFilesPresent() throws Exception {
        assertThat(serviceFiles()).isNotEmpty().allSatisfy(f -> assertThat(providers(f)).as(f.toString()).isNotEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serviceFiles")
    @DisplayName("given a service file, then every listed class exists, is a public concrete class with a public "
            + "no-arg constructor, and implements the service")
    void listedClassesExist(Path serviceFile) {
        Class<?> service = tryLoad(serviceFile.getFileName().toString()).orElse(null);
        assertThat(service).as("the service %s must be a class on the classpath", serviceFile.getFileName())
                .isNotNull();
        for (String name : providers(serviceFile)) {
            Class<?> provider = tryLoad(name).orElse(null);
            assertThat(provider).as("%s lists %s, which must exist", serviceFile.getFileName(), name).isNotNull();
            assertThat(Modifier.isPublic(provider.getModifiers())).as("%s is public", name).isTrue();
            assertThat(provider.isInterface() || Modifier.isAbstract(provider.getModifiers()))
                    .as("%s is concrete", name).isFalse();
            assertThatCode(provider::getConstructor).as("%s has a public no-arg constructor", name)
                    .doesNotThrowAnyException();
            assertThat(service).as("%s implements %s", name, service.getName()).isAssignableFrom(provider);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serviceFiles")
    @DisplayName("given a service file, then the provider ids in it are distinct and not blank")
    void idsUnique(Path serviceFile) {
        List<String> ids = new ArrayList<>();
        for (String name : providers(serviceFile)) {
            tryLoad(name).flatMap(ProviderRegistrationTest::providerId).ifPresent(ids::add);
        }
        assertThat(ids).doesNotHaveDuplicates().allSatisfy(id -> assertThat(id).isNotBlank());
    }

    @Test
    @DisplayName("given the factories that can be built without a server, "
            + "then their ids are read (so the id check checks something)")
    void someIdsReadable() throws Exception {
        List<String> ids = serviceFiles().stream().flatMap(f -> providers(f).stream())
                .flatMap(name -> tryLoad(name).flatMap(ProviderRegistrationTest::providerId).stream()).toList();
        assertThat(ids).isNotEmpty();
    }

    @Test
    @DisplayName("given every concrete provider factory and SPI in the build, then each one is registered")
    void noUnregisteredFactory() throws Exception {
        Class<?> factoryType = load("org.keycloak.provider.ProviderFactory");
        Class<?> spiType = load("org.keycloak.provider.Spi");
        Path root = classesRoot();
        List<String> registered = serviceFiles().stream().flatMap(f -> providers(f).stream()).toList();

        List<String> factories;
        try (Stream<Path> files = Files.walk(root)) {
            factories = files.map(root::relativize).map(Path::toString).filter(p -> p.endsWith(".class"))
                    .map(p -> p.substring(0, p.length() - ".class".length())
                            .replace(root.getFileSystem().getSeparator(), "."))
                    .map(ProviderRegistrationTest::tryLoad).flatMap(Optional::stream)
                    .filter(c -> !c.isInterface() && !Modifier.isAbstract(c.getModifiers()) && !c.isAnonymousClass())
                    .filter(c -> factoryType.isAssignableFrom(c) || spiType.isAssignableFrom(c))
                    .map(Class::getName).toList();
        }

        assertThat(factories).isNotEmpty();
        assertThat(registered).containsAll(factories);
    }
}
