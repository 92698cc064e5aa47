package org.geminipool.simulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar gemini-simulator-1.0.0-SNAPSHOT.jar [--port 8089] [--host 127.0.0.1] [--keys FILE]
 * [--openrouter-key KEY[:RPM]]}. Environment: GEMINI_SIM_PORT, GEMINI_SIM_HOST, GEMINI_SIM_KEYS_FILE,
 * GEMINI_SIM_OPENROUTER_KEY. Keys file: one key per line, optionally {@code project=NAME} and
 * {@code status=<KeyStatus>} (VALID, INVALID, SUSPENDED, NOT_FOUND, EXPIRED, LEAKED,
 * SERVICE_BLOCKED, TOKEN_TYPE_UNSUPPORTED); {@code #} starts a comment.
 */
public final class GeminiSimulatorMain {

    private GeminiSimulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(env("GEMINI_SIM_PORT", "8089"));
        String host = env("GEMINI_SIM_HOST", "127.0.0.1");
        String keysFile = env("GEMINI_SIM_KEYS_FILE", null);
        String openRouter = env("GEMINI_SIM_OPENROUTER_KEY", null);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--port" -> { port = Integer.parseInt(need(a, v)); i++; }
                case "--host" -> { host = need(a, v); i++; }
                case "--keys" -> { keysFile = need(a, v); i++; }
                case "--openrouter-key" -> { openRouter = need(a, v); i++; }
                case "-h", "--help" -> {
                    System.out.println("usage: java -jar gemini-simulator.jar [--port 8089] [--host 127.0.0.1] "
                            + "[--keys FILE] [--openrouter-key KEY[:RPM]]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument: " + a);
            }
        }
        GeminiSimulator sim = GeminiSimulator.start(host, port);
        int keys = 0;
        if (keysFile != null) {
            keys = loadKeys(sim, Path.of(keysFile));
        }
        if (openRouter != null) {
            int colon = openRouter.lastIndexOf(':');
            if (colon > 0) {
                sim.setOpenRouterKey(openRouter.substring(0, colon), Integer.parseInt(openRouter.substring(colon + 1)));
            } else {
                sim.setOpenRouterKey(openRouter, 20);
            }
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.close();
            stop.countDown();
        }, "gemini-simulator-shutdown"));
        System.out.println("gemini-simulator listening on http://" + host + ":" + sim.port() + " (" + keys
                + " keys loaded; admin API at /_sim/)");
        stop.await();
    }

    static int loadKeys(GeminiSimulator sim, Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int n = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("\\s+");
            String project = null;
            KeyStatus status = KeyStatus.VALID;
            for (int p = 1; p < parts.length; p++) {
                if (parts[p].startsWith("project=")) {
                    project = parts[p].substring(8);
                } else if (parts[p].startsWith("status=")) {
                    status = KeyStatus.valueOf(parts[p].substring(7).toUpperCase(Locale.ROOT));
                } else {
                    throw new IllegalArgumentException(file + " line " + (i + 1) + ": unknown field " + parts[p]);
                }
            }
            sim.addKey(parts[0], project, status);
            n++;
        }
        return n;
    }

    private static String need(String flag, String v) {
        if (v == null) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return v;
    }

    private static String env(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? def : v;
    }
}
