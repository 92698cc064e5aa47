package org.geminipool.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One of our packaged services ({@code <module>/target/quarkus-app/quarkus-run.jar}) in its own JVM on a free port:
 * a second keypool replica, or the keypool behind a gateway test. Stopped with SIGTERM so shutdown hooks run
 * ({@link #close()}), or killed with SIGKILL ({@link #kill()}) to test crashes.
 */
public final class ServiceProcess implements AutoCloseable {

    private final String module;
    private final Process process;
    private final int port;
    private final Path log;

    private ServiceProcess(String module, Process process, int port, Path log) {
        this.module = module;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts {@code module} with the given config (as {@code -Dkey=value}; Quarkus property names or
     * env-style names both work) and waits until {@code /q/health/ready} answers 200.
     */
    public static ServiceProcess start(String module, Map<String, String> config) {
        return start(module, config, freePort());
    }

    /**
     * Like {@link #start(String, Map)} on a given port: to restart a service where its clients expect it (a gateway
     * test stops usage-service and starts it again behind the running gateway).
     */
    public static ServiceProcess start(String module, Map<String, String> config, int port) {
        Path jar = projectRoot().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package " + module + " first (mvn -pl " + module
                    + " package -DskipTests); in the reactor it is built before the modules that start it");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-Dquarkus.http.port=" + port);
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar.toString());
        try {
            Path logDir = Files.createDirectories(Path.of("target", "service-logs"));
            Path log = logDir.resolve(module + "-" + port + ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            ServiceProcess service = new ServiceProcess(module, process, port, log);
            service.awaitReady(90);
            return service;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + module, e);
        }
    }

    private void awaitReady(int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(module + " exited with " + process.exitValue() + "; see " + log);
            }
            if (status("/q/health/ready") == 200) {
                return;
            }
            sleep(250);
        }
        close();
        throw new IllegalStateException(module + " not ready within " + seconds + " s; see " + log);
    }

    /** HTTP status of a GET, or -1 when nothing answers. */
    public int status(String path) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(baseUrl() + path).toURL().openConnection();
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(3000);
            try {
                return connection.getResponseCode();
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            return -1;
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path logFile() {
        return log;
    }

    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** kill -9: the process dies at once, without shutdown hooks (a crash, an OOM kill). */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** The checkout root: the nearest folder upwards holding the aggregator pom and the modules. */
    public static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("keypool-service")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no project root above " + dir);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
