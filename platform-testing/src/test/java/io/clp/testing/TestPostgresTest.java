package io.clp.testing;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class TestPostgresTest {

    /**
     * Quarkus may load the test support again for a test profile of its own: that copy of the class must
     * use the server this JVM runs, never delete its data folder and start another.
     */
    @Test
    void anotherLoadingOfTheClassAttachesToTheServerThisJvmRuns() throws Exception {
        TestPostgres first = TestPostgres.get();
        Path data = first.server().dataDir();
        URL[] classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> {
                    try {
                        return Path.of(entry).toUri().toURL();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).toArray(URL[]::new);
        try (URLClassLoader again = new URLClassLoader(classpath, ClassLoader.getPlatformClassLoader())) {
            Class<?> copy = again.loadClass(TestPostgres.class.getName());
            assertThat(copy).isNotSameAs(TestPostgres.class);
            Object second = copy.getMethod("get").invoke(null);
            assertThat(copy.getMethod("port").invoke(second)).isEqualTo(first.port());
            assertThat(copy.getMethod("running").invoke(second)).isEqualTo(true);
        }
        assertThat(first.server().accepting()).isTrue();
        assertThat(Files.exists(data.resolve("PG_VERSION"))).isTrue();
    }
}
