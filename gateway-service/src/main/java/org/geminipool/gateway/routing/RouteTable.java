package org.geminipool.gateway.routing;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.geminipool.gateway.config.GatewayConfig;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The routes in force: the YAML file named by GEMINI_POOL_ROUTES (re-read when its modification time or size
 * changes), or the built-in default of design §5. A file that fails to parse keeps the previous routes and is logged.
 */
@ApplicationScoped
public class RouteTable {

    private static final Logger LOG = Logger.getLogger(RouteTable.class);

    @Inject
    GatewayConfig config;

    private final AtomicReference<Routes> current = new AtomicReference<>();
    private volatile FileTime lastModified;
    private volatile long lastSize = -1;

    void onStart(@Observes StartupEvent event) {
        current();
    }

    public Routes current() {
        Routes r = current.get();
        if (r == null) {
            synchronized (this) {
                r = current.get();
                if (r == null) {
                    r = initial();
                    current.set(r);
                }
            }
        }
        return r;
    }

    /** Replaces the routes in force (tests, admin tooling); throws {@link Routes.InvalidRoutes} and keeps the old ones. */
    public void replace(String yaml) {
        current.set(Routes.parse(yaml));
    }

    /** Back to the configured file (or the built-in default). */
    public synchronized void reset() {
        lastModified = null;
        lastSize = -1;
        current.set(initial());
    }

    private Routes initial() {
        Path file = file();
        if (file == null) {
            return builtIn();
        }
        try {
            Routes r = read(file);
            LOG.infof("routing: %d routes from %s", r.rules().size(), file);
            return r;
        } catch (RuntimeException e) {
            // At start there is nothing to keep: refuse loudly rather than serve routes the operator did not write.
            throw new IllegalStateException("GEMINI_POOL_ROUTES=" + file + " cannot be used: " + e.getMessage(), e);
        }
    }

    private Path file() {
        return config.routes().filter(s -> !s.isBlank()).map(Path::of).orElse(null);
    }

    private Routes read(Path file) {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            Routes r = Routes.parse(Files.readString(file, StandardCharsets.UTF_8));
            lastModified = modified;
            lastSize = size;
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public static Routes builtIn() {
        try (InputStream in = RouteTable.class.getClassLoader().getResourceAsStream("default-routes.yaml")) {
            if (in == null) {
                throw new IllegalStateException("default-routes.yaml missing from the gateway jar");
            }
            return Routes.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Scheduled(every = "${gemini-pool.routes-reload-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            identity = "routes-reload")
    void reloadIfChanged() {
        Path file = file();
        if (file == null) {
            return;
        }
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            if (modified.equals(lastModified) && size == lastSize) {
                return;
            }
            lastModified = modified;
            lastSize = size;
            Routes r = Routes.parse(Files.readString(file, StandardCharsets.UTF_8));
            current.set(r);
            LOG.infof("routing: reloaded %d routes from %s", r.rules().size(), file);
        } catch (IOException e) {
            LOG.warnf("routing: cannot read %s (%s); keeping the previous routes", file, e.getMessage());
        } catch (Routes.InvalidRoutes e) {
            LOG.warnf("routing: %s is invalid (%s); keeping the previous routes", file, e.getMessage());
        }
    }
}
